import type { Message } from "grammy/types";
import { describe, expect, it } from "vitest";
import { externalReplyToJobInput, isAudioDocument, messageToJobInput } from "../../../../relay/telegram/message-to-job";

const base: Message = { message_id: 9, date: 0, chat: { id: 5, type: "private", first_name: "A" }, from: { id: 5, is_bot: false, first_name: "A" } };
const LIMIT = 20 * 1024 * 1024;

describe("messageToJobInput", () => {
  it("maps a voice message", () => {
    const result = messageToJobInput({ ...base, voice: { file_id: "f", file_unique_id: "u", duration: 12, mime_type: "audio/ogg", file_size: 5000 } }, LIMIT);
    expect(result).toEqual({
      kind: "media",
      input: {
        chatId: 5,
        isPrivateChat: true,
        messageId: 9,
        senderId: 5,
        media: { fileId: "f", fileUniqueId: "u", kind: "voice", duration: 12, mime: "audio/ogg", size: 5000, fileName: null },
      },
    });
  });

  it("maps audio, video notes and audio documents", () => {
    const audio = messageToJobInput({ ...base, audio: { file_id: "a", file_unique_id: "a", duration: 1, file_name: "song.mp3", mime_type: "audio/mpeg" } }, LIMIT);
    expect(audio.kind === "media" && audio.input.media).toMatchObject({ kind: "audio", fileName: "song.mp3", mime: "audio/mpeg", size: null });
    const note = messageToJobInput({ ...base, video_note: { file_id: "v", file_unique_id: "v", duration: 5, length: 240, file_size: 10 } }, LIMIT);
    expect(note.kind === "media" && note.input.media).toMatchObject({ kind: "video_note", mime: "video/mp4", duration: 5 });
    const doc = messageToJobInput({ ...base, document: { file_id: "d", file_unique_id: "d", mime_type: "audio/x-wav", file_name: "x.wav" } }, LIMIT);
    expect(doc.kind === "media" && doc.input.media).toMatchObject({ kind: "document", duration: null, fileName: "x.wav" });
  });

  it("refuses files over the limit from file_size alone", () => {
    expect(messageToJobInput({ ...base, voice: { file_id: "f", file_unique_id: "u", duration: 1, file_size: LIMIT + 1 } }, LIMIT)).toEqual({
      kind: "too-large",
      size: LIMIT + 1,
      limit: LIMIT,
    });
  });

  it("names unsupported media and ignores plain text", () => {
    expect(messageToJobInput({ ...base, sticker: { file_id: "s", file_unique_id: "s", type: "regular", width: 1, height: 1, is_animated: false, is_video: false } }, LIMIT)).toEqual({ kind: "unsupported", what: "sticker" });
    expect(messageToJobInput({ ...base, document: { file_id: "d", file_unique_id: "d", mime_type: "application/pdf", file_name: "a.pdf" } }, LIMIT)).toEqual({
      kind: "unsupported",
      what: "document",
      mime: "application/pdf",
    });
    expect(messageToJobInput({ ...base, text: "hi" }, LIMIT)).toEqual({ kind: "none" });
  });

  it("recognises audio documents by MIME type or extension", () => {
    expect(isAudioDocument("audio/mpeg", undefined)).toBe(true);
    expect(isAudioDocument("application/ogg", undefined)).toBe(true);
    expect(isAudioDocument(undefined, "Memo.M4A")).toBe(true);
    expect(isAudioDocument("application/octet-stream", "notes.txt")).toBe(false);
    expect(isAudioDocument(undefined, "m4a")).toBe(false);
  });
});

describe("externalReplyToJobInput", () => {
  const origin = { type: "user" as const, sender_user: { id: 77, is_bot: false, first_name: "B" }, date: 0 };

  it("takes the media of the quoted message and the chat and message id of the command", () => {
    const command: Message = { ...base, text: "/transcribe", external_reply: { origin, voice: { file_id: "q", file_unique_id: "qu", duration: 3, file_size: 10 } } };
    const result = externalReplyToJobInput(command, LIMIT);
    expect(result).toEqual({
      kind: "media",
      input: { chatId: 5, isPrivateChat: true, messageId: 9, senderId: 5, media: { fileId: "q", fileUniqueId: "qu", kind: "voice", duration: 3, mime: "audio/ogg", size: 10, fileName: null } },
    });
  });

  it("says none without a quoted message, and refuses quoted photos and files over the limit", () => {
    expect(externalReplyToJobInput({ ...base, text: "hi" }, LIMIT)).toEqual({ kind: "none" });
    expect(externalReplyToJobInput({ ...base, external_reply: { origin, photo: [] } }, LIMIT)).toEqual({ kind: "unsupported", what: "photo" });
    const big = externalReplyToJobInput({ ...base, external_reply: { origin, voice: { file_id: "q", file_unique_id: "qu", duration: 3, file_size: LIMIT + 1 } } }, LIMIT);
    expect(big).toEqual({ kind: "too-large", size: LIMIT + 1, limit: LIMIT });
  });
});
