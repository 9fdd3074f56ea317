/**
 * Where a recording in progress goes: its 16 kHz samples feed the session's live transcription
 * (text appears after each pause) and a {@link WavBlobWriter} (the audio for the player, kept as
 * encoded Blob parts outside the JavaScript heap). Neither keeps the samples once they are used, so
 * a recording's memory does not grow with its length. The recorder panel makes one per recording.
 */
import { WavBlobWriter } from "../audio/wav-blob-writer";
import { SAMPLE_RATE } from "../audio/sample-rate";
import type { LiveTranscription } from "./live-transcription";
import type { RunOutcome } from "./phase";
import type { TranscribeOptions } from "./worker-protocol";

/** What {@link startLiveRecording} needs of the session (TranscriptionSession fits). */
export interface LiveSession {
  transcribeLive(label: string, options: TranscribeOptions): { readonly live: LiveTranscription; readonly outcome: Promise<RunOutcome> };
  reset(): void;
}

/** A recording's destination; see the module comment. */
export interface LiveRecordingSink {
  /** Recorded samples, in order (the recorder's `onAudio`). */
  push(samples: Float32Array): void;
  /** The user paused the recording: what came so far is transcribed now. */
  pause(): void;
  /** The recording stopped (after its last samples were pushed): the audio at once, the transcript once the tail is done. */
  stop(): { readonly audio: Blob; readonly outcome: Promise<RunOutcome> };
  /** The user threw the recording away: transcription stops and the page goes back to idle. */
  discard(): void;
}

/** Starts the live transcription of a recording named `label` on `session`. */
export function startLiveRecording(session: LiveSession, label: string, options: TranscribeOptions, writer: WavBlobWriter = new WavBlobWriter(SAMPLE_RATE)): LiveRecordingSink {
  const { live, outcome } = session.transcribeLive(label, options);
  // A run that failed (no model could load) wants no more samples; the audio is still kept.
  let settled = false;
  void outcome.finally(() => {
    settled = true;
  });
  return {
    push(samples) {
      writer.append(samples);
      if (!settled) live.push(samples);
    },
    pause: () => live.cut(),
    stop() {
      live.end();
      return { audio: writer.finish(), outcome };
    },
    discard() {
      live.cancel();
      void outcome.then(() => session.reset());
    },
  };
}
