/**
 * What a {@link TranscriptionSession} (session.ts) uses from the outside world — the worker, the
 * device probe, storage, decoding — as interfaces, so the browser hands in the real ones and Node
 * tests hand in fakes.
 */
import type { AudioSource } from "../audio/source";
import type { Attempt, ModelSource } from "../model/catalog";
import type { DeviceProfile } from "../model/device-profile";
import type { ModelManifest } from "../model/model-manifest";
import type { KeyValueStorage } from "../storage";
import type { WindowTranscriber } from "./long-transcription";
import type { ProgressEvent, RuntimeOptions, TestFault } from "./worker-protocol";

/** What the session needs of a worker client; `TranscriberClient` satisfies it. */
export interface SessionWorker extends WindowTranscriber {
  load(attempt: Attempt, source: ModelSource, runtime: RuntimeOptions, onProgress: (progress: ProgressEvent) => void, fault?: TestFault): Promise<number>;
  terminate(): void;
}

/** Everything the session uses from the outside world, injected so it runs in Node tests. */
export interface SessionDependencies {
  readonly modelSource: ModelSource;
  /** What the self-hosted folder holds (every plan skips the rest); null or absent with the Hub. */
  readonly installed?: ModelManifest | null;
  /** Starts a fresh worker (one per attempt; terminating it frees its WASM heap). */
  readonly createWorker: () => SessionWorker;
  readonly probeDevice: () => Promise<DeviceProfile>;
  /** Where settings and the plan history are kept. */
  readonly storage: KeyValueStorage;
  /** Decodes a picked file; bad input rejects (and never steps down). */
  readonly decodeFile: (file: File) => Promise<AudioSource>;
  readonly runtime: () => RuntimeOptions;
  readonly readMemory?: () => Promise<number | undefined>;
  readonly testFault?: () => TestFault | undefined;
  readonly now?: () => number;
  /** Runs `run` after `ms`; returns the function that cancels it (default: setTimeout). */
  readonly schedule?: (run: () => void, ms: number) => () => void;
}
