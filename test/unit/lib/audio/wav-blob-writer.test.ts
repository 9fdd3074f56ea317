import { describe, expect, it } from "vitest";
import { WavBlobWriter } from "@/lib/audio/wav-blob-writer";
import { encodeWav } from "@/lib/audio/wav-encode";
import { tone } from "../../../support/audio-signals";

describe("WavBlobWriter", () => {
  it("gives the same WAV file as encodeWav, however the samples arrive", async () => {
    const samples = tone(50_000, 16_000);
    const writer = new WavBlobWriter(16_000, 0.5);
    for (let offset = 0; offset < samples.length; offset += 3_333) writer.append(samples.subarray(offset, offset + 3_333));
    expect(writer.length).toBe(50_000);
    const blob = writer.finish();
    expect(blob.type).toBe("audio/wav");
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(encodeWav(samples, 16_000));
  });

  it("an empty recording is a header only, and finishing twice gives the audio so far", async () => {
    const writer = new WavBlobWriter();
    expect(writer.finish().size).toBe(44);
    writer.append(Float32Array.from([0.5, -0.5]));
    expect(new Uint8Array(await writer.finish().arrayBuffer())).toEqual(encodeWav(Float32Array.from([0.5, -0.5]), 16_000));
  });
});
