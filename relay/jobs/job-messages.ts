/**
 * What the chat is shown about a job: the status message while it waits, the outcome it ends
 * with (transcript parts with the SRT button, failure or expiry with Retry where retrying can help,
 * otherwise what to do instead), the app button, and
 * the subtitles file. Pure functions of the job, so the job service only decides when to send.
 */
import { toSrt } from "../../lib/transcript/formats";
import { insteadOfRetry, retryHelps } from "../../lib/relay/failure-kinds";
import type { JobRecord } from "../ports/relay-store";
import { splitMessage } from "../split-message";
import { textsForJob, type BotTexts } from "../i18n/bot-texts";
import { texts as english } from "../texts";
import type { ChatButton, ChatMessage } from "../ports/chat-gateway";

/** Callback data prefixes of the buttons the service puts under messages. */
export const CALLBACK = { srt: "srt:", retry: "retry:" } as const;

/** Answer of `JobService.subtitlesFor`. */
export type SubtitlesOutcome =
  | { readonly kind: "ok"; readonly fileName: string; readonly content: string; readonly replyTo: number }
  | { readonly kind: "none" }
  | { readonly kind: "not-done" };

/** The button that opens the app: a Mini App button in private chats, a link in groups; none without an https URL. */
export function appButtonFor(publicUrl: string | null, chatId: number, texts: BotTexts = english): ChatButton | null {
  if (publicUrl === null || !publicUrl.startsWith("https://")) return null;
  return chatId > 0 ? { kind: "web_app", text: texts.openApp, url: publicUrl } : { kind: "url", text: texts.openApp, url: publicUrl };
}

/** The status message of a job no session is working on yet, with the app button when there is one. */
export function waitingMessage(button: ChatButton | null, expirySeconds: number, texts: BotTexts = english): ChatMessage {
  return button === null
    ? { text: texts.statusWaitingNoApp(expirySeconds) }
    : { text: texts.statusWaiting(expirySeconds), buttons: [[button]] };
}

/** The messages that tell the chat how `job` ended (the first edits the status message), in its owner's language; none while it runs. */
export function outcomeMessages(job: JobRecord, app: ChatButton | null, expirySeconds: number): ChatMessage[] {
  const texts = textsForJob(job);
  const retry: ChatButton = { kind: "callback", text: texts.retry, data: `${CALLBACK.retry}${job.id}` };
  switch (job.state) {
    case "done": {
      const text = job.result?.text.trim() ?? "";
      if (text.length === 0) return [{ text: texts.emptyTranscript }];
      const [first, ...rest] = splitMessage(text);
      const srt: ChatButton = { kind: "callback", text: texts.srtButton, data: `${CALLBACK.srt}${job.id}` };
      return [{ text: first ?? text, buttons: [[srt]] }, ...rest.map((part) => ({ text: part }))];
    }
    case "failed": {
      const kind = job.failureKind ?? "other";
      const failed = texts.failed(job.failureMessage ?? "unknown error");
      const instead = insteadOfRetry(kind);
      return [{ text: instead === null ? failed : `${failed}\n\n${instead}`, ...(retryHelps(kind) ? { buttons: [[retry]] } : {}) }];
    }
    case "expired": {
      const row = [...(app === null ? [] : [app]), ...(retryHelps("expired") ? [retry] : [])];
      return [{ text: texts.expired(expirySeconds), ...(row.length === 0 ? {} : { buttons: [row] }) }];
    }
    case "new":
    case "pending":
    case "claimed":
      return [];
  }
}

/** The `.srt` document of a finished job, or why there is none. */
export function subtitlesOf(job: JobRecord): SubtitlesOutcome {
  if (job.state !== "done" || job.result === null) return { kind: "not-done" };
  return {
    kind: "ok",
    fileName: `transcript-${job.sourceMessageId}.srt`,
    content: toSrt({
      text: job.result.text,
      segments: job.result.segments,
      language: job.result.language,
      duration: job.media.duration ?? job.result.segments.at(-1)?.end ?? 1,
    }),
    replyTo: job.statusMessageId ?? job.sourceMessageId,
  };
}
