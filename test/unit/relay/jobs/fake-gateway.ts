/** Test doubles of the job tests: a chat gateway in memory, and job input. */
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { JobInput } from "../../../../relay/telegram/message-to-job";
import type { ChatGateway, ChatMessage, EditOutcome, FileStream } from "../../../../relay/ports/chat-gateway";

/** A chat gateway in memory: no Telegram types, records what the service says. */
export class FakeGateway implements ChatGateway {
  readonly log: Array<{ op: "send" | "edit" | "document"; chatId: number; id: number | null; message: ChatMessage | string }> = [];
  readonly missing = new Set<number>();
  failEdits = 0;
  /** Called before every send and edit (with the call's number, from 1); what it returns is thrown. */
  failCall: ((op: "send" | "edit", call: number) => Error | null) | null = null;
  private calls = 0;
  /** What each message the bot sent says now, as a person reading the chat would see it. */
  readonly chat = new Map<number, ChatMessage>();
  private nextId = 100;

  private check(op: "send" | "edit"): void {
    this.calls += 1;
    const error = this.failCall?.(op, this.calls) ?? null;
    if (error !== null) throw error;
  }

  async send(chatId: number, replyTo: number | null, message: ChatMessage): Promise<number> {
    this.check("send");
    this.log.push({ op: "send", chatId, id: replyTo, message });
    this.nextId += 1;
    this.chat.set(this.nextId, message);
    return this.nextId;
  }

  async edit(chatId: number, messageId: number, message: ChatMessage): Promise<EditOutcome> {
    this.check("edit");
    if (this.failEdits > 0) {
      this.failEdits -= 1;
      throw new Error("Telegram is down");
    }
    if (this.missing.has(messageId)) return "missing";
    this.log.push({ op: "edit", chatId, id: messageId, message });
    this.chat.set(messageId, message);
    return "edited";
  }

  async sendDocument(chatId: number, replyTo: number | null, fileName: string): Promise<void> {
    this.log.push({ op: "document", chatId, id: replyTo, message: fileName });
  }

  async openFile(): Promise<FileStream> {
    return {
      contentLength: 5,
      pipeTo: (destination) => pipeline(Readable.from([Buffer.from("audio")]), destination),
      cancel: () => undefined,
    };
  }

  texts(op: "send" | "edit"): string[] {
    return this.log.filter((entry) => entry.op === op).map((entry) => (typeof entry.message === "string" ? entry.message : entry.message.text));
  }
}

/** The input of a voice message `messageId` in chat `chatId` (private when positive). */
export const input = (messageId: number, chatId = 7): JobInput => ({
  chatId,
  isPrivateChat: chatId > 0,
  messageId,
  senderId: 7,
  media: { fileId: "f", fileUniqueId: "u", kind: "voice", duration: 2, mime: "audio/ogg", size: 5, fileName: null },
});
