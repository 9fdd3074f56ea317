/**
 * Pulling samples out of a Web Audio graph: an AudioWorklet whose module is built from a string
 * into a Blob URL (same-origin by construction, so it loads under COEP `require-corp` and needs no
 * file in public/), or a ScriptProcessor where there is no AudioWorklet.
 */
import { createLogger } from "../logger";

const log = createLogger("recorder");

/** The AudioWorklet processor's registered name. */
export const RECORDER_PROCESSOR_NAME = "whisper-recorder";

/**
 * The AudioWorklet module's source. It averages the input's channels to mono and posts
 * `{ type: "audio", samples }` batches of `processorOptions.batchSize` samples (transferred);
 * it answers `pause`, `resume` and `stop` messages (`stop` flushes and replies `{ type: "stopped" }`).
 * Plain ES2017 so every browser with AudioWorklet runs it.
 */
export const RECORDER_WORKLET_SOURCE = `
class WhisperRecorderProcessor extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const size = options && options.processorOptions && options.processorOptions.batchSize;
    this.buffer = new Float32Array(size > 0 ? size : 2048);
    this.filled = 0;
    this.capturing = true;
    this.stopped = false;
    this.port.onmessage = (event) => {
      const type = event.data && event.data.type;
      if (type === "pause") {
        this.flush();
        this.capturing = false;
      } else if (type === "resume") {
        this.capturing = true;
      } else if (type === "stop") {
        this.flush();
        this.stopped = true;
        this.port.postMessage({ type: "stopped" });
      }
    };
  }
  flush() {
    if (this.filled === 0) return;
    const samples = this.buffer.slice(0, this.filled);
    this.filled = 0;
    this.port.postMessage({ type: "audio", samples: samples }, [samples.buffer]);
  }
  process(inputs) {
    if (this.stopped) return false;
    const input = inputs[0];
    if (!this.capturing || !input || input.length === 0) return true;
    const channels = input.length;
    const frames = input[0].length;
    for (let i = 0; i < frames; i += 1) {
      let sum = 0;
      for (let c = 0; c < channels; c += 1) sum += input[c][i];
      this.buffer[this.filled] = sum / channels;
      this.filled += 1;
      if (this.filled === this.buffer.length) this.flush();
    }
    return true;
  }
}
registerProcessor(${JSON.stringify(RECORDER_PROCESSOR_NAME)}, WhisperRecorderProcessor);
`;

/** Is `data` a batch of samples posted by the worklet? */
function isAudioMessage(data: unknown): data is { type: "audio"; samples: Float32Array } {
  return typeof data === "object" && data !== null && Reflect.get(data, "type") === "audio" && Reflect.get(data, "samples") instanceof Float32Array;
}

function isStoppedMessage(data: unknown): boolean {
  return typeof data === "object" && data !== null && Reflect.get(data, "type") === "stopped";
}

/** Milliseconds `stop()` waits for the worklet's last batch before giving up on it. */
const STOP_TIMEOUT_MS = 1_000;

/** A running capture of one source; {@link startWorklet} and {@link startScriptProcessor} make one for the recorder. */
export interface Capture {
  readonly sampleRate: number;
  pause(): void;
  resume(): void;
  /** Resolves once every captured sample has been delivered. */
  stop(): Promise<void>;
  dispose(): void;
}

/** Captures `source` through the recorder worklet in batches of `batchSize` samples; rejects where the worklet cannot load. */
export async function startWorklet(context: AudioContext, source: MediaStreamAudioSourceNode, batchSize: number, deliver: (samples: Float32Array) => void): Promise<Capture> {
  const url = URL.createObjectURL(new Blob([RECORDER_WORKLET_SOURCE], { type: "text/javascript" }));
  try {
    await context.audioWorklet.addModule(url);
  } finally {
    URL.revokeObjectURL(url);
  }
  const node = new AudioWorkletNode(context, RECORDER_PROCESSOR_NAME, {
    numberOfInputs: 1,
    numberOfOutputs: 1,
    outputChannelCount: [1],
    processorOptions: { batchSize },
  });
  let onStopped: (() => void) | null = null;
  node.port.onmessage = (event: MessageEvent<unknown>) => {
    if (isAudioMessage(event.data)) deliver(event.data.samples);
    else if (isStoppedMessage(event.data)) onStopped?.();
  };
  source.connect(node);
  // The node outputs silence; connecting it keeps it pulled by the graph in every browser.
  node.connect(context.destination);
  return {
    sampleRate: context.sampleRate,
    pause: () => node.port.postMessage({ type: "pause" }),
    resume: () => node.port.postMessage({ type: "resume" }),
    stop: () =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          log.warn("the recorder worklet did not answer stop; keeping what arrived");
          resolve();
        }, STOP_TIMEOUT_MS);
        onStopped = () => {
          clearTimeout(timer);
          resolve();
        };
        node.port.postMessage({ type: "stop" });
      }),
    dispose: () => {
      node.port.onmessage = null;
      source.disconnect();
      node.disconnect();
    },
  };
}

/** Captures `source` through a ScriptProcessor: the fallback for browsers without a working AudioWorklet. */
export function startScriptProcessor(context: AudioContext, source: MediaStreamAudioSourceNode, deliver: (samples: Float32Array) => void): Capture {
  const node = context.createScriptProcessor(4096, 1, 1);
  let capturing = true;
  node.onaudioprocess = (event: AudioProcessingEvent) => {
    if (capturing) deliver(event.inputBuffer.getChannelData(0).slice());
  };
  source.connect(node);
  node.connect(context.destination);
  return {
    sampleRate: context.sampleRate,
    pause: () => {
      capturing = false;
    },
    resume: () => {
      capturing = true;
    },
    stop: async () => {
      capturing = false;
    },
    dispose: () => {
      node.onaudioprocess = null;
      source.disconnect();
      node.disconnect();
    },
  };
}
