"use client";

import { useEffect, useMemo, useSyncExternalStore } from "react";
import type { ClientConfig } from "@/lib/app-config";
import { decodeAudioFile } from "@/lib/audio/decode";
import { probeDevice } from "@/lib/model/device-profile";
import { runtimeThreads } from "@/lib/transcription/runtime-threads";
import { INITIAL_TRANSCRIPTION_SNAPSHOT, TranscriptionSession, type TranscriptionSnapshot } from "@/lib/transcription/session";
import { readTestFault } from "@/lib/transcription/test-fault";
import { TranscriberClient } from "@/lib/transcription/transcriber-client";
import { browserStorage } from "@/lib/storage";
import { readMemoryUsage } from "@/lib/model/memory-usage";

export type { Phase, RunOutcome } from "@/lib/transcription/phase";

function browserSession(config: ClientConfig): TranscriptionSession {
  return new TranscriptionSession({
    modelSource: config.modelSource,
    installed: config.installed,
    createWorker: () => new TranscriberClient(),
    probeDevice: () => probeDevice(),
    storage: browserStorage(),
    decodeFile: async (file) => (await decodeAudioFile(file)).source,
    runtime: () => ({ ortBaseUrl: "/ort/", threads: runtimeThreads() }),
    readMemory: () => readMemoryUsage(),
    testFault: readTestFault,
  });
}

const serverSnapshot = (): TranscriptionSnapshot => INITIAL_TRANSCRIPTION_SNAPSHOT;

/**
 * The page's {@link TranscriptionSession} as React state: one session per mounted owner, started
 * after mount and disposed on unmount. Returns the snapshot's fields and the session itself (its
 * methods, and what the Telegram runner is handed).
 */
export function useTranscription(config: ClientConfig) {
  const session = useMemo(() => browserSession(config), [config]);
  useEffect(() => {
    session.start();
    return () => session.dispose();
  }, [session]);
  const snapshot = useSyncExternalStore(session.subscribe, session.getSnapshot, serverSnapshot);
  return { ...snapshot, session };
}
