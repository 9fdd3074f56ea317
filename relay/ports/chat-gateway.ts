/**
 * What the relay needs from a chat platform, in our own terms: send, edit, send a file, open a
 * file's bytes. The job service talks to this port only; `createTelegramGateway`
 * (`relay/telegram/chat-gateway.ts`) implements it with grammY's `Api`, and tests stand in a fake.
 */
import type { Writable } from "node:stream";

/** A button under a message. */
export type ChatButton =
  | { readonly kind: "web_app"; readonly text: string; readonly url: string }
  | { readonly kind: "url"; readonly text: string; readonly url: string }
  | { readonly kind: "callback"; readonly text: string; readonly data: string };

/** Text plus optional rows of buttons. Text is sent as plain text (no parse mode). */
export interface ChatMessage {
  readonly text: string;
  readonly buttons?: ReadonlyArray<readonly ChatButton[]>;
}

/** `unchanged`: the message already had this text; `missing`: it was deleted. */
export type EditOutcome = "edited" | "unchanged" | "missing";

/** An open download of a chat file, its body not yet read. */
export interface FileStream {
  readonly contentLength: number | null;
  /** Writes the body to `destination` with backpressure and ends it; rejects (both sides destroyed) on a failure. Call once. */
  pipeTo(destination: Writable): Promise<void>;
  /** Drops the download unread. */
  cancel(): void;
}

/**
 * The platform asked us to wait (Telegram's 429 with `retry_after`): not a failure of the
 * operation, so callers defer it by `retryAfterSeconds` without counting an attempt.
 */
export class ChatRateLimitError extends Error {
  override readonly name = "ChatRateLimitError";

  constructor(
    readonly retryAfterSeconds: number,
    options: { cause?: unknown } = {},
  ) {
    super(`the chat platform asks to wait ${retryAfterSeconds} s`, options);
  }
}

/** Where a job stands, as a reaction on the voice message shows it at a glance. */
export type ReactionStage = "queued" | "working" | "done" | "failed" | "expired";

/** `not-allowed`: the chat does not allow this bot's reactions; `missing`: the message is gone. */
export type ReactOutcome = "set" | "not-allowed" | "missing";

/** The chat operations the relay performs; each may throw {@link ChatRateLimitError}. */
export interface ChatGateway {
  /** Sends `message`, as a reply to `replyTo` when given (still sent if that message is gone); returns the new message id. */
  send(chatId: number, replyTo: number | null, message: ChatMessage): Promise<number>;
  edit(chatId: number, messageId: number, message: ChatMessage): Promise<EditOutcome>;
  sendDocument(chatId: number, replyTo: number | null, fileName: string, content: string): Promise<void>;
  /** Streams the file's bytes from the platform (never buffered). */
  openFile(fileId: string, signal: AbortSignal): Promise<FileStream>;
  /** Puts the reaction for `stage` on a message (replacing the bot's previous one); absent where the platform has none. */
  react?(chatId: number, messageId: number, stage: ReactionStage): Promise<ReactOutcome>;
  /** The least time the gateway leaves between two messages to `chatId` (its pacing); 0 when it does not pace. */
  paceMs?(chatId: number): number;
}
