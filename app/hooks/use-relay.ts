"use client";

import { useCallback, useEffect, useSyncExternalStore } from "react";
import type { ClientConfig } from "@/lib/app-config";
import { describeError } from "@/lib/errors";
import { createLogger } from "@/lib/logger";
import { TelegramJobsRunner } from "@/lib/telegram/jobs-runner";
import { saveTranscript } from "@/lib/history/transcript-history";
import { browserStorage } from "@/lib/storage";
import { currentLaunchParams } from "@/lib/telegram/launch-params";
import { onVisibilityChanged } from "@/lib/telegram/mini-app-controls";
import type { FinishedJob, JobTranscriber } from "@/lib/telegram/job-run";
import { INITIAL_TELEGRAM_SNAPSHOT, type TelegramJobsSnapshot } from "@/lib/telegram/jobs-snapshot";
import { relayBaseUrl } from "@/lib/telegram/relay-link";
import { createTranscriptRecord } from "@/lib/history/record";
import type { ExportUploader } from "@/lib/relay/export-upload";

const log = createLogger("telegram");

// One runner per page, like the service worker: every component that asks shares it.
let pageRunner: TelegramJobsRunner | null = null;

function keepInHistory({ job, fileName, outcome }: FinishedJob): void {
  const record = createTranscriptRecord({
    source: "telegram",
    text: outcome.result.text,
    segments: outcome.result.segments,
    duration: outcome.result.duration,
    language: outcome.result.language,
    fileName: job.fileName ?? fileName,
    ...(outcome.attempt === undefined ? {} : { model: outcome.attempt.model }),
  });
  saveTranscript(record).catch((error: unknown) => log.warn("the Telegram transcript was sent but not kept on this device", describeError(error)));
}

function runnerFor(config: ClientConfig): TelegramJobsRunner {
  pageRunner ??= new TelegramJobsRunner({
    baseUrl: relayBaseUrl(config, window.location),
    storage: browserStorage(),
    launch: currentLaunchParams(),
    onFinished: keepInHistory,
    browserLanguages: () => navigator.languages,
  });
  return pageRunner;
}

/** The page's linked relay session for passing exports to Telegram (`lib/telegram/export-delivery.ts`); null when not linked. */
export function pageExportUploader(): ExportUploader | null {
  return pageRunner?.exportUploader() ?? null;
}

const serverSnapshot = (): TelegramJobsSnapshot => INITIAL_TELEGRAM_SNAPSHOT;

/** The Telegram panel's state and actions; see {@link useRelay}. */
export interface RelayControls {
  readonly state: TelegramJobsSnapshot;
  readonly linkWithCode: (code: string) => void;
  readonly linkWithTelegram: () => void;
  /** Checks whether a relay with a bot is reachable (call it when the user opens the link form). */
  readonly checkRelay: () => void;
  readonly unlink: () => void;
  readonly setAuto: (auto: boolean) => void;
  readonly takeJob: (id: string) => void;
  /** The inbox's Retry button (see `retryAction` in `lib/telegram/inbox.ts`). */
  readonly retryJob: (id: string) => void;
}

/**
 * Links this page to the user's Telegram bot and transcribes the voice messages sent to it, with
 * the page's own transcription (see `lib/telegram/jobs-runner.ts`). Outside Telegram and without a
 * stored session, nothing is sent to the relay until the user opens the link form.
 */
export function useRelay(config: ClientConfig, transcriber: JobTranscriber): RelayControls {
  const subscribe = useCallback(
    (listener: () => void) => {
      const runner = runnerFor(config);
      const unsubscribe = runner.subscribe(listener);
      runner.start();
      return unsubscribe;
    },
    [config],
  );
  const state = useSyncExternalStore(subscribe, () => pageRunner?.getSnapshot() ?? INITIAL_TELEGRAM_SNAPSHOT, serverSnapshot);

  useEffect(() => {
    runnerFor(config).setTranscriber(transcriber);
    return () => pageRunner?.setTranscriber(null);
  }, [config, transcriber]);

  // Telegram hides a Mini App without closing it, and a hidden page's stream may have died quietly.
  useEffect(() => {
    const resume = (): void => pageRunner?.resume();
    const onVisible = (): void => {
      if (document.visibilityState === "visible") resume();
    };
    document.addEventListener("visibilitychange", onVisible);
    const stopTelegram = onVisibilityChanged((visible) => {
      if (visible) resume();
    });
    return () => {
      document.removeEventListener("visibilitychange", onVisible);
      stopTelegram();
    };
  }, []);

  return {
    state,
    linkWithCode: useCallback((code: string) => void runnerFor(config).linkWithCode(code), [config]),
    linkWithTelegram: useCallback(() => void runnerFor(config).linkWithTelegram(), [config]),
    checkRelay: useCallback(() => void runnerFor(config).checkRelay(), [config]),
    unlink: useCallback(() => void runnerFor(config).unlink(), [config]),
    setAuto: useCallback((auto: boolean) => runnerFor(config).setAuto(auto), [config]),
    takeJob: useCallback((id: string) => runnerFor(config).takeJob(id), [config]),
    retryJob: useCallback((id: string) => runnerFor(config).retryJob(id), [config]),
  };
}
