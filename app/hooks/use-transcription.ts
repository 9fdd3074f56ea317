"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import type { ClientConfig } from "@/lib/app-config";
import { decodeAudioFile } from "@/lib/audio-decode";
import { describeError } from "@/lib/errors";
import { DTYPES, describeAttempt, type Attempt } from "@/lib/model-catalog";
import { TranscriberClient } from "@/lib/transcriber-client";
import type { ProgressEvent, TranscribeOptions, TranscriptResult } from "@/lib/worker-protocol";

/** Where a transcription stands; the UI renders one of these. */
export type Phase =
  | { readonly kind: "idle" }
  | { readonly kind: "decoding"; readonly fileName: string }
  | { readonly kind: "loading"; readonly file: string; readonly loaded: number; readonly total: number }
  | { readonly kind: "transcribing"; readonly window: number; readonly windows: number; readonly partialText: string }
  | { readonly kind: "done"; readonly result: TranscriptResult; readonly fileName: string }
  | { readonly kind: "cancelled"; readonly partialText: string }
  | { readonly kind: "error"; readonly message: string };

/** The model chosen for the next run and why, for `model-info`. */
export interface ModelChoice {
  readonly attempt: Attempt;
  readonly reason: string;
}

const DEFAULT_CHOICE: ModelChoice = {
  attempt: { model: "whisper-tiny", device: "wasm", dtype: DTYPES.wasm },
  reason: "the smallest model on WASM runs everywhere",
};

function runtimeThreads(): number {
  // ORT defaults to min(4, ceil(cores / 2)) threads, i.e. 1 on a 2-core machine; use the cores we have.
  if (typeof crossOriginIsolated === "undefined" || !crossOriginIsolated) return 1;
  return Math.max(1, Math.min(4, navigator.hardwareConcurrency || 1));
}

function phaseFromProgress(progress: ProgressEvent): Phase {
  switch (progress.stage) {
    case "download":
      return { kind: "loading", file: progress.file, loaded: progress.loaded, total: progress.total };
    case "loading":
      return { kind: "loading", file: progress.file, loaded: 0, total: 0 };
    case "transcribing":
      return { kind: "transcribing", window: progress.window, windows: progress.windows, partialText: progress.partialText };
  }
}

/** Runs transcriptions of files in the worker and exposes their progress as React state. */
export function useTranscription(config: ClientConfig) {
  const [phase, setPhase] = useState<Phase>({ kind: "idle" });
  const [choice] = useState<ModelChoice>(DEFAULT_CHOICE);
  const clientRef = useRef<TranscriberClient | null>(null);
  const runningRef = useRef<string | null>(null);

  useEffect(() => () => clientRef.current?.terminate(), []);

  const client = useCallback((): TranscriberClient => {
    clientRef.current ??= new TranscriberClient();
    return clientRef.current;
  }, []);

  const transcribeFile = useCallback(
    async (file: File, options: TranscribeOptions): Promise<void> => {
      setPhase({ kind: "decoding", fileName: file.name });
      try {
        const audio = await decodeAudioFile(file);
        const worker = client();
        await worker.load(choice.attempt, config.modelSource, { ortBaseUrl: "/ort/", threads: runtimeThreads() }, (progress) =>
          setPhase(phaseFromProgress(progress)),
        );
        setPhase({ kind: "transcribing", window: 0, windows: 0, partialText: "" });
        const run = worker.transcribe(audio.samples, options, (progress) => setPhase(phaseFromProgress(progress)));
        runningRef.current = run.requestId;
        const outcome = await run.outcome;
        setPhase(outcome.kind === "done" ? { kind: "done", result: outcome.result, fileName: file.name } : { kind: "cancelled", partialText: outcome.partialText });
      } catch (error) {
        setPhase({ kind: "error", message: describeError(error) });
      } finally {
        runningRef.current = null;
      }
    },
    [choice, client, config.modelSource],
  );

  const cancel = useCallback(() => {
    const requestId = runningRef.current;
    if (requestId !== null) clientRef.current?.cancel(requestId);
  }, []);

  return { phase, choice, modelLabel: describeAttempt(choice.attempt), transcribeFile, cancel };
}
