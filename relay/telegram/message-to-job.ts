/**
 * The one place a Telegram `Message` becomes our job input. Everything past this function works
 * with {@link JobInput} and never sees Telegram types. It decides what a message holds: a
 * transcribable file, a file too large to download, unsupported media, or nothing at all.
 */
import type { Message } from "grammy/types";
import type { JobMedia } from "../ports/relay-store";

/** What a message asks the relay to transcribe. */
export interface JobInput {
  readonly chatId: number;
  readonly isPrivateChat: boolean;
  readonly messageId: number;
  /** Null for messages sent on behalf of a chat (anonymous admins, channels). */
  readonly senderId: number | null;
  readonly media: JobMedia;
}

/** Media we do not transcribe, by kind (the bot's texts name them in the user's language). */
export type UnsupportedMedia = "photo" | "video" | "animation" | "sticker" | "document" | "location" | "contact" | "poll";

/** Outcome of {@link messageToJobInput}; `mime` only for documents. */
export type JobInputResult =
  | { readonly kind: "media"; readonly input: JobInput }
  | { readonly kind: "too-large"; readonly size: number; readonly limit: number }
  | { readonly kind: "unsupported"; readonly what: UnsupportedMedia; readonly mime?: string }
  | { readonly kind: "none" };

const AUDIO_EXTENSIONS: ReadonlySet<string> = new Set(["ogg", "oga", "opus", "mp3", "m4a", "aac", "wav", "flac", "weba", "amr", "wma", "aiff", "aif", "caf"]);

/** True for a document Telegram did not classify as audio but which is one (by MIME type or file name). */
export function isAudioDocument(mime: string | undefined, fileName: string | undefined): boolean {
  if (mime !== undefined && (mime.startsWith("audio/") || mime === "application/ogg")) return true;
  const extension = fileName?.split(".").pop()?.toLowerCase();
  return extension !== undefined && fileName !== undefined && fileName.includes(".") && AUDIO_EXTENSIONS.has(extension);
}

/** The parts of a message (or of a reply to a message in another chat) that may carry media. */
type MediaFields = Pick<Message, "voice" | "audio" | "video_note" | "document" | "photo" | "video" | "animation" | "sticker" | "location" | "venue" | "contact" | "poll">;

function unsupportedKind(message: MediaFields): { readonly what: UnsupportedMedia; readonly mime?: string } | null {
  if (message.photo !== undefined) return { what: "photo" };
  if (message.video !== undefined) return { what: "video" };
  if (message.animation !== undefined) return { what: "animation" };
  if (message.sticker !== undefined) return { what: "sticker" };
  if (message.document !== undefined) return { what: "document", mime: message.document.mime_type ?? "unknown type" };
  if (message.location !== undefined || message.venue !== undefined) return { what: "location" };
  if (message.contact !== undefined) return { what: "contact" };
  if (message.poll !== undefined) return { what: "poll" };
  return null;
}

function media(message: MediaFields): JobMedia | null {
  if (message.voice !== undefined) {
    const v = message.voice;
    return { fileId: v.file_id, fileUniqueId: v.file_unique_id, kind: "voice", duration: v.duration, mime: v.mime_type ?? "audio/ogg", size: v.file_size ?? null, fileName: null };
  }
  if (message.audio !== undefined) {
    const a = message.audio;
    return { fileId: a.file_id, fileUniqueId: a.file_unique_id, kind: "audio", duration: a.duration, mime: a.mime_type ?? null, size: a.file_size ?? null, fileName: a.file_name ?? null };
  }
  if (message.video_note !== undefined) {
    const n = message.video_note;
    return { fileId: n.file_id, fileUniqueId: n.file_unique_id, kind: "video_note", duration: n.duration, mime: "video/mp4", size: n.file_size ?? null, fileName: null };
  }
  if (message.document !== undefined && isAudioDocument(message.document.mime_type, message.document.file_name)) {
    const d = message.document;
    return { fileId: d.file_id, fileUniqueId: d.file_unique_id, kind: "document", duration: null, mime: d.mime_type ?? null, size: d.file_size ?? null, fileName: d.file_name ?? null };
  }
  return null;
}

/**
 * Maps a Telegram message to our job input. Files whose `file_size` is over `maxFileBytes` are
 * refused here, before any download is attempted.
 */
export function messageToJobInput(message: Message, maxFileBytes: number): JobInputResult {
  return toResult(message, message, maxFileBytes);
}

/**
 * Maps a command that replies to a message in another chat (Telegram's `external_reply`, e.g.
 * `/transcribe` quoting a voice message from elsewhere) to job input: the media comes from the
 * quoted message, while the job lives in the command's chat and answers the command itself.
 * Forwarded voice needs nothing special: a forward is a message of its own, with a file id this
 * bot may download.
 */
export function externalReplyToJobInput(command: Message, maxFileBytes: number): JobInputResult {
  const quoted = command.external_reply;
  return quoted === undefined ? { kind: "none" } : toResult(quoted, command, maxFileBytes);
}

function toResult(carrier: MediaFields, message: Message, maxFileBytes: number): JobInputResult {
  const found = media(carrier);
  if (found === null) {
    const what = unsupportedKind(carrier);
    return what === null ? { kind: "none" } : { kind: "unsupported", ...what };
  }
  if (found.size !== null && found.size > maxFileBytes) return { kind: "too-large", size: found.size, limit: maxFileBytes };
  return {
    kind: "media",
    input: {
      chatId: message.chat.id,
      isPrivateChat: message.chat.type === "private",
      messageId: message.message_id,
      senderId: message.from?.id ?? null,
      media: found,
    },
  };
}
