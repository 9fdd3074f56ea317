// printedTimings: whisper.cpp's whisper_print_timings lines (native whisper-cli's stderr and the
// wasm build's printErr alike) read into milliseconds by name.
import { describe, expect, it } from "vitest";
import { printedTimings } from "../../../../scripts/bench/whisper-cpp-run";

const STDERR = `whisper_init_from_file_with_params_no_state: loading model from 'ggml-base.bin'
system_info: n_threads = 2 / 2 | WHISPER : COREML = 0 | OPENVINO = 0 | CPU : SSE3 = 1 | AVX2 = 1 |

whisper_print_timings:     load time =   112.34 ms
whisper_print_timings:     fallbacks =   0 p /   0 h
whisper_print_timings:      mel time =    10.50 ms
whisper_print_timings:   sample time =     9.01 ms /    30 runs (     0.30 ms per run)
whisper_print_timings:   encode time =  1234.56 ms /     1 runs (  1234.56 ms per run)
whisper_print_timings:   decode time =     0.00 ms /     1 runs (     0.00 ms per run)
whisper_print_timings:   batchd time =   321.00 ms /    28 runs (    11.46 ms per run)
whisper_print_timings:   prompt time =     0.00 ms /     1 runs (     0.00 ms per run)
whisper_print_timings:    total time =  1800.25 ms
`;

describe("printedTimings", () => {
  it("reads every `… time = N ms` line by its name", () => {
    expect(printedTimings(STDERR)).toEqual({ load: 112.34, mel: 10.5, sample: 9.01, encode: 1234.56, decode: 0, batchd: 321, prompt: 0, total: 1800.25 });
  });

  it("skips lines that are not timings (fallbacks, system info)", () => {
    expect(Object.keys(printedTimings(STDERR))).not.toContain("fallbacks");
  });

  it("gives nothing for output without timings", () => {
    expect(printedTimings("error: failed to open 'x.bin'\n")).toEqual({});
  });
});
