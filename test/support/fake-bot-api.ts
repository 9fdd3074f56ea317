/**
 * A stand-in Telegram Bot API server for tests and the memory script, speaking the real HTTP
 * protocol over node:http: `/bot<token>/<method>` with JSON, form or multipart bodies, long-polling
 * `getUpdates` (offset/limit/timeout), webhook delivery with the secret-token header, and file
 * downloads at `/file/bot<token>/<file_path>` streamed in constant memory. It records every call and
 * lets tests inject updates (voice messages, commands, button presses).
 *
 * It also signs Mini App init data the way Telegram does, independently of the relay's code.
 */
import { createHmac, randomBytes } from "node:crypto";
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { BusinessConnection, Chat, ExternalReplyInfo, Message, Update, User, UserFromGetMe } from "grammy/types";

/** The token the fake accepts unless told otherwise. */
export const FAKE_TOKEN = "123456:TEST-fake_token_for_relay_tests_0123456789";

/** What `getMe` answers; pass it as `botInfo` to skip `getMe` in unit tests. */
export const FAKE_BOT_INFO: UserFromGetMe = {
  id: 123456,
  is_bot: true,
  first_name: "Whisper Test",
  username: "whisper_test_bot",
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
  can_manage_bots: false,
  supports_join_request_queries: false,
};

/** One API call as the fake received it. */
export interface RecordedCall {
  readonly method: string;
  readonly params: Record<string, unknown>;
  /** Uploaded files by field name (multipart). */
  readonly files: Record<string, { readonly filename: string; readonly content: Buffer }>;
  readonly at: number;
  /** The HTTP status the fake answered with (0 while a long poll is still open). */
  status: number;
}

/** A file the fake serves: either fixed bytes, or `size` bytes of `fill` generated on the fly. */
export type FakeFileSpec = { readonly content: Buffer } | { readonly size: number; readonly fill?: number };

interface StoredFile {
  readonly fileId: string;
  readonly uniqueId: string;
  readonly path: string;
  readonly size: number;
  readonly spec: FakeFileSpec;
}

/** A chat a user can write in (not a channel). */
export type UserChat = Exclude<Chat, Chat.ChannelChat>;

/** A message in such a chat, as `Update.message` holds it. */
export type UserMessage = NonNullable<Update["message"]>;

interface StoredMessage {
  text: string;
  replyMarkup: unknown;
}

/** Options of {@link FakeBotApi.start}. */
export interface FakeBotApiOptions {
  readonly token?: string;
  readonly botInfo?: UserFromGetMe;
  /** Telegram's getFile refuses files over 20 MB. */
  readonly maxDownloadBytes?: number;
}

/** Options of {@link FakeBotApi.sendVoice} and friends. */
export interface MediaOptions {
  readonly from: User;
  /** Defaults to the private chat with `from`. */
  readonly chat?: UserChat;
  readonly size?: number;
  readonly content?: Buffer;
  readonly duration?: number;
  readonly caption?: string;
  readonly replyTo?: Message;
  /** The voice is a forward of a message `forwardedFrom` sent elsewhere (its file is new to the bot). */
  readonly forwardedFrom?: User;
  /** False: the message is posted but the bot gets no update for it (privacy mode in a group). */
  readonly delivered?: boolean;
}

const DOWNLOAD_CHUNK = 64 * 1024;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function asNumber(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

function asString(value: unknown): string | undefined {
  return typeof value === "string" ? value : typeof value === "number" ? String(value) : undefined;
}

/** Parses a value that may arrive JSON-encoded (form and multipart bodies encode objects as JSON). */
function maybeJson(value: unknown): unknown {
  if (typeof value !== "string") return value;
  const trimmed = value.trim();
  if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) return value;
  try {
    return JSON.parse(trimmed);
  } catch {
    return value;
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks);
}

function parseMultipart(body: Buffer, boundary: string): { fields: Record<string, unknown>; files: RecordedCall["files"] } {
  const fields: Record<string, unknown> = {};
  const files: Record<string, { filename: string; content: Buffer }> = {};
  const delimiter = Buffer.from(`--${boundary}`);
  let position = body.indexOf(delimiter);
  while (position !== -1) {
    const start = position + delimiter.length;
    if (body.subarray(start, start + 2).toString() === "--") break;
    const next = body.indexOf(delimiter, start);
    if (next === -1) break;
    // Part = CRLF headers CRLF CRLF content CRLF
    const part = body.subarray(start + 2, next - 2);
    const split = part.indexOf("\r\n\r\n");
    if (split !== -1) {
      const headers = part.subarray(0, split).toString("utf8");
      const content = part.subarray(split + 4);
      const name = /name="([^"]*)"/i.exec(headers)?.[1];
      const filename = /filename="?([^";\r\n]*)"?/i.exec(headers)?.[1];
      if (name !== undefined) {
        if (filename !== undefined) files[name] = { filename, content: Buffer.from(content) };
        else fields[name] = maybeJson(content.toString("utf8"));
      }
    }
    position = next;
  }
  return { fields, files };
}

/** HMAC-SHA256 init data for `fields`, signed for `token` as Telegram does (hash over every other field). */
export function signInitData(token: string, fields: Record<string, string>): string {
  const dataCheck = Object.keys(fields)
    .sort()
    .map((key) => `${key}=${fields[key] ?? ""}`)
    .join("\n");
  const secret = createHmac("sha256", "WebAppData").update(token).digest();
  const hash = createHmac("sha256", secret).update(dataCheck).digest("hex");
  const params = new URLSearchParams(fields);
  params.set("hash", hash);
  return params.toString();
}

/** Init data for `user`, issued `ageSeconds` ago, signed with `token`. */
export function initDataFor(token: string, user: User, ageSeconds = 0): string {
  const payload: Record<string, unknown> = {
    id: user.id,
    first_name: user.first_name,
    ...(user.username === undefined ? {} : { username: user.username }),
    ...(user.language_code === undefined ? {} : { language_code: user.language_code }),
  };
  return signInitData(token, {
    query_id: `AAE${randomBytes(6).toString("hex")}`,
    user: JSON.stringify(payload),
    auth_date: String(Math.floor(Date.now() / 1000) - ageSeconds),
    signature: randomBytes(32).toString("base64url"),
  });
}

/** A Telegram user for tests. */
export function testUser(id: number, firstName = `User${id}`): User {
  return { id, is_bot: false, first_name: firstName, username: `user${id}`, language_code: "en" };
}

/** The private chat with `user`. */
export function privateChat(user: User): UserChat {
  return { id: user.id, type: "private", first_name: user.first_name };
}

/** A supergroup chat. */
export function groupChat(id: number, title = "Test group"): UserChat {
  return { id, type: "supergroup", title };
}

/** A stop armed by `FakeBotApi.interceptNext`. */
interface Intercept {
  readonly method: string;
  readonly predicate: (call: RecordedCall) => boolean;
  readonly at: "before" | "during" | "after";
  readonly onReached: () => void;
  readonly onAnswering?: () => void;
}

/** See the module comment. */
export class FakeBotApi {
  readonly calls: RecordedCall[] = [];
  readonly token: string;
  readonly botInfo: UserFromGetMe;
  /** Completed and aborted file downloads. */
  readonly downloads = { started: 0, finished: 0, bytes: 0 };
  /** Webhook POSTs and their HTTP status. */
  readonly webhookDeliveries: Array<{ updateId: number; status: number }> = [];

  private readonly server: Server;
  private readonly maxDownloadBytes: number;
  private readonly files = new Map<string, StoredFile>();
  private readonly filesByPath = new Map<string, StoredFile>();
  private readonly messages = new Map<string, StoredMessage>();
  private readonly nextMessageId = new Map<number, number>();
  private readonly members = new Map<string, string>();
  /** Every reaction the bot set, by `chat:message`, oldest first (an empty list clears). */
  private readonly reactionLog = new Map<string, string[]>();
  private readonly reactionlessChats = new Set<number>();
  private readonly businessConnections = new Map<string, BusinessConnection>();
  /** Per method, what its next calls answer: a Bot API error, or null to let one call through. */
  private readonly failures = new Map<string, Array<{ code: number; description: string; retryAfter?: number } | null>>();
  /** Updates some getUpdates call returned; only these are confirmed by a later offset. */
  private readonly handedOut = new WeakSet<Update>();
  private readonly callWaiters = new Set<() => void>();
  /** One-shot stops armed by {@link interceptNext}, and the answers they hold back. */
  private readonly intercepts: Intercept[] = [];
  private readonly heldAnswers = new WeakMap<ServerResponse, Intercept>();
  private queue: Update[] = [];
  private nextUpdateId = 1;
  private pollWaiters = new Set<() => void>();
  private webhook: { url: string; secret: string | null } | null = null;
  private port = 0;

  private constructor(options: FakeBotApiOptions) {
    this.token = options.token ?? FAKE_TOKEN;
    this.botInfo = options.botInfo ?? FAKE_BOT_INFO;
    this.maxDownloadBytes = options.maxDownloadBytes ?? 20 * 1024 * 1024;
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) this.reply(res, 500, { ok: false, error_code: 500, description: String(error) });
        else res.destroy();
      });
    });
  }

  /** Starts a fake on 127.0.0.1 with a free port. */
  static async start(options: FakeBotApiOptions = {}): Promise<FakeBotApi> {
    const api = new FakeBotApi(options);
    await new Promise<void>((resolve) => api.server.listen(0, "127.0.0.1", resolve));
    const address = api.server.address();
    api.port = isAddressInfo(address) ? address.port : 0;
    return api;
  }

  /** The value for TELEGRAM_API_ROOT. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Calls of one method, in order. */
  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  /** Calls of one method that succeeded. */
  succeeded(method: string): RecordedCall[] {
    return this.calls.filter((call) => call.method === method && call.status === 200);
  }

  /** Resolves with the first call (past or future) of `method` matching `predicate`. */
  async waitForCall(method: string, predicate: (call: RecordedCall) => boolean = () => true, timeoutMs = 5000): Promise<RecordedCall> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.calls.find((call) => call.method === method && predicate(call));
      if (found !== undefined) return found;
      const left = deadline - Date.now();
      if (left <= 0) {
        const seen = this.calls.map((call) => call.method).join(", ");
        throw new Error(`no matching ${method} call within ${timeoutMs} ms (calls so far: ${seen})`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, left);
        function done(): void {
          clearTimeout(timer);
          waiters.delete(done);
          resolve();
        }
        const waiters = this.callWaiters;
        waiters.add(done);
      });
    }
  }

  /** Makes the next call(s) of `method` fail with a Bot API error (`retryAfter`: a 429's `parameters.retry_after`). */
  failNext(method: string, code: number, description: string, times = 1, retryAfter?: number): void {
    const list = this.failures.get(method) ?? [];
    for (let i = 0; i < times; i += 1) list.push({ code, description, ...(retryAfter === undefined ? {} : { retryAfter }) });
    this.failures.set(method, list);
  }

  /** Lets `pass` more calls of `method` succeed, then fails the next with a Bot API error (`retryAfter` as in {@link failNext}). */
  failNextAfter(method: string, pass: number, code: number, description: string, retryAfter?: number): void {
    const list = this.failures.get(method) ?? [];
    for (let i = 0; i < pass; i += 1) list.push(null);
    list.push({ code, description, ...(retryAfter === undefined ? {} : { retryAfter }) });
    this.failures.set(method, list);
  }

  /**
   * Stops at the next call of `method` matching `predicate`, at one step, and runs `onReached` there
   * (synchronously, e.g. to SIGKILL the relay): `before` — the call is never carried out nor
   * answered; `during` — it is carried out (a message exists) but never answered; `after` — it is
   * carried out and answered: `onAnswering` runs just before the answer is written (e.g. SIGSTOP the
   * relay, so it cannot act on the answer), `onReached` once the answer has left for the socket.
   */
  interceptNext(method: string, predicate: (call: RecordedCall) => boolean, at: Intercept["at"], onReached: () => void, onAnswering?: () => void): void {
    this.intercepts.push({ method, predicate, at, onReached, ...(onAnswering === undefined ? {} : { onAnswering }) });
  }

  /**
   * Telegram may restart `update_id` from another value (after a week without updates): the next
   * updates are numbered from `next`, and updates never handed out are not dropped by an older offset.
   */
  restartUpdateIds(next: number): void {
    this.nextUpdateId = next;
  }

  /** Sets what getChatMember answers for a user in a chat (default "member"). */
  setMemberStatus(chatId: number, userId: number, status: "creator" | "administrator" | "member" | "left"): void {
    this.members.set(`${chatId}:${userId}`, status);
  }

  /** The chat's admins turned reactions off: setMessageReaction answers 400 REACTION_INVALID there. */
  disallowReactions(chatId: number): void {
    this.reactionlessChats.add(chatId);
  }

  /** The emojis the bot set on a message, in order ("" for a cleared reaction). */
  reactionsOn(chatId: number, messageId: number): string[] {
    return [...(this.reactionLog.get(`${chatId}:${messageId}`) ?? [])];
  }

  /**
   * `user` connects the bot to their Telegram Business account (or changes its rights): the bot gets
   * a `business_connection` update (unless `notify` is false: one the bot missed), and
   * getBusinessConnection answers with it. Returns its id.
   */
  connectBusiness(user: User, options: { id?: string; enabled?: boolean; canReply?: boolean; notify?: boolean } = {}): string {
    const id = options.id ?? `bc-${randomBytes(6).toString("hex")}`;
    const connection: BusinessConnection = {
      id,
      user,
      user_chat_id: user.id,
      date: Math.floor(Date.now() / 1000),
      is_enabled: options.enabled ?? true,
      ...(options.canReply === true ? { rights: { can_reply: true } } : {}),
    };
    this.businessConnections.set(id, connection);
    if (options.notify !== false) this.pushUpdate({ business_connection: connection });
    return id;
  }

  /** `from` sends a voice message to the business account behind `connectionId`, in their private chat (`business_message`). */
  sendBusinessVoice(connectionId: string, from: User, options: { size?: number; duration?: number } = {}): NonNullable<Update["business_message"]> {
    const file = this.addFile({ size: options.size ?? 4096, fill: 0x4f });
    const chat: Chat.PrivateChat = { id: from.id, type: "private", first_name: from.first_name };
    const message: NonNullable<Update["business_message"]> = {
      message_id: this.newMessageId(from.id),
      date: Math.floor(Date.now() / 1000),
      chat,
      from,
      business_connection_id: connectionId,
      voice: { file_id: file.fileId, file_unique_id: file.uniqueId, duration: options.duration ?? 3, mime_type: "audio/ogg", file_size: file.size },
    };
    this.pushUpdate({ business_message: message });
    return message;
  }

  /** Registers a file for getFile and download; returns its ids. */
  addFile(spec: FakeFileSpec, extension = "oga"): StoredFile {
    const fileId = `file-${randomBytes(8).toString("hex")}`;
    const size = "content" in spec ? spec.content.length : spec.size;
    const stored: StoredFile = { fileId, uniqueId: `u-${fileId}`, path: `voice/${fileId}.${extension}`, size, spec };
    this.files.set(fileId, stored);
    this.filesByPath.set(stored.path, stored);
    return stored;
  }

  private newMessageId(chatId: number): number {
    const id = this.nextMessageId.get(chatId) ?? 1;
    this.nextMessageId.set(chatId, id + 1);
    return id;
  }

  /** Queues an update (or posts it to the webhook); returns its update_id. */
  pushUpdate(update: Omit<Update, "update_id">): number {
    const full: Update = { update_id: this.nextUpdateId, ...update };
    this.nextUpdateId += 1;
    if (this.webhook !== null) {
      void this.postWebhook(this.webhook, full);
    } else {
      this.queue.push(full);
      for (const wake of [...this.pollWaiters]) wake();
    }
    return full.update_id;
  }

  private baseMessage(options: { from: User; replyTo?: Message }, chat: UserChat): UserMessage {
    const message: UserMessage = {
      message_id: this.newMessageId(chat.id),
      date: Math.floor(Date.now() / 1000),
      chat,
      from: options.from,
    };
    if (options.replyTo === undefined) return message;
    const { reply_to_message: _ignored, ...reply } = options.replyTo;
    return { ...message, chat, reply_to_message: { ...reply, reply_to_message: undefined } };
  }

  /** A user sends a voice message; the file is registered. Returns the message. */
  sendVoice(options: MediaOptions): UserMessage {
    const file = this.addFile(options.content === undefined ? { size: options.size ?? 4096, fill: 0x4f } : { content: options.content });
    const chat = options.chat ?? privateChat(options.from);
    const message: UserMessage = {
      ...this.baseMessage(options, chat),
      chat,
      voice: { file_id: file.fileId, file_unique_id: file.uniqueId, duration: options.duration ?? 3, mime_type: "audio/ogg", file_size: file.size },
      ...(options.caption === undefined ? {} : { caption: options.caption, caption_entities: mentionEntities(options.caption) }),
      ...(options.forwardedFrom === undefined ? {} : { forward_origin: { type: "user" as const, sender_user: options.forwardedFrom, date: Math.floor(Date.now() / 1000) - 60 } }),
    };
    if (options.delivered !== false) this.pushUpdate({ message });
    return message;
  }

  /**
   * A voice message `sender` posted in another chat, as a reply quoting it carries it
   * (`external_reply`); its file is registered, so the bot may fetch it. Pass it as `quoting`.
   */
  voiceElsewhere(sender: User, options: { size?: number; duration?: number } = {}): ExternalReplyInfo {
    const file = this.addFile({ size: options.size ?? 4096, fill: 0x4f });
    return {
      origin: { type: "user", sender_user: sender, date: Math.floor(Date.now() / 1000) - 60 },
      voice: { file_id: file.fileId, file_unique_id: file.uniqueId, duration: options.duration ?? 3, mime_type: "audio/ogg", file_size: file.size },
    };
  }

  /** A user sends an arbitrary message (photo, document, …): `extra` is merged into it. */
  sendMessageUpdate(options: { from: User; chat?: UserChat; replyTo?: Message }, extra: Partial<Omit<Message, "chat">>): UserMessage {
    const chat = options.chat ?? privateChat(options.from);
    const message: UserMessage = { ...this.baseMessage(options, chat), ...extra, chat };
    this.pushUpdate({ message });
    return message;
  }

  /** A user sends text (a command when it starts with "/"). */
  sendText(options: { from: User; chat?: UserChat; replyTo?: Message; quoting?: ExternalReplyInfo }, text: string): UserMessage {
    const command = /^\/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?/.exec(text);
    const entities = [
      ...(command === null ? [] : [{ type: "bot_command" as const, offset: 0, length: command[0].length }]),
      ...mentionEntities(text),
    ];
    return this.sendMessageUpdate(options, {
      text,
      ...(entities.length === 0 ? {} : { entities }),
      ...(options.quoting === undefined ? {} : { external_reply: options.quoting }),
    });
  }

  /** A user presses an inline button with `data` under `message`. */
  pressButton(from: User, message: Message, data: string): number {
    return this.pushUpdate({
      callback_query: { id: randomBytes(6).toString("hex"), from, chat_instance: "ci", data, message },
    });
  }

  /** What the chat shows of the bot's messages in `chatId` now, oldest first (as a person reads it). */
  chatTexts(chatId: number): string[] {
    return [...this.messages.entries()]
      .filter(([key]) => key.startsWith(`${chatId}:`))
      .sort(([a], [b]) => Number(a.split(":")[1]) - Number(b.split(":")[1]))
      .map(([, message]) => message.text);
  }

  /** Text of a message the bot sent or edited last. */
  messageText(chatId: number, messageId: number): string | undefined {
    return this.messages.get(`${chatId}:${messageId}`)?.text;
  }

  /** Stops the server; pending long polls are answered first. */
  async close(): Promise<void> {
    for (const wake of [...this.pollWaiters]) wake();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private reply(res: ServerResponse, status: number, body: unknown): void {
    const held = this.heldAnswers.get(res);
    if (held?.at === "during") return held.onReached();
    const text = JSON.stringify(body);
    if (held?.at === "after") held.onAnswering?.();
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
    res.end(text, held?.at === "after" ? held.onReached : undefined);
  }

  private ok(res: ServerResponse, result: unknown): void {
    this.reply(res, 200, { ok: true, result });
  }

  private error(res: ServerResponse, code: number, description: string, retryAfter?: number): void {
    this.reply(res, code, { ok: false, error_code: code, description, ...(retryAfter === undefined ? {} : { parameters: { retry_after: retryAfter } }) });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.url);
    const filePrefix = `/file/bot${this.token}/`;
    if (url.pathname.startsWith("/file/")) {
      if (!url.pathname.startsWith(filePrefix)) return this.error(res, 401, "Unauthorized");
      return this.download(decodeURIComponent(url.pathname.slice(filePrefix.length)), res);
    }
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
    if (match === null) return this.error(res, 404, "Not Found");
    if (match[1] !== this.token) return this.error(res, 401, "Unauthorized");
    const method = match[2] ?? "";
    const { params, files } = await this.parseParams(req, url);
    const call: RecordedCall = { method, params, files, at: Date.now(), status: 0 };
    this.calls.push(call);
    const stop = this.intercepts.findIndex((intercept) => intercept.method === method && intercept.predicate(call));
    const intercept = stop === -1 ? undefined : this.intercepts.splice(stop, 1)[0];
    if (intercept?.at === "before") {
      intercept.onReached();
      for (const wake of [...this.callWaiters]) wake();
      return;
    }
    if (intercept !== undefined) this.heldAnswers.set(res, intercept);
    const failure = this.failures.get(method)?.shift();
    if (failure !== undefined && failure !== null) this.error(res, failure.code, failure.description, failure.retryAfter);
    else await this.dispatch(method, params, files, req, res);
    call.status = res.statusCode;
    for (const wake of [...this.callWaiters]) wake();
  }

  private async parseParams(req: IncomingMessage, url: URL): Promise<{ params: Record<string, unknown>; files: RecordedCall["files"] }> {
    const params: Record<string, unknown> = {};
    for (const [key, value] of url.searchParams) params[key] = maybeJson(value);
    const body = await readBody(req);
    if (body.length === 0) return { params, files: {} };
    const type = req.headers["content-type"] ?? "";
    if (type.startsWith("application/json")) {
      const parsed: unknown = JSON.parse(body.toString("utf8"));
      if (isRecord(parsed)) Object.assign(params, parsed);
      return { params, files: {} };
    }
    if (type.startsWith("multipart/form-data")) {
      const boundary = /boundary=("?)([^";]+)\1/.exec(type)?.[2] ?? "";
      const { fields, files } = parseMultipart(body, boundary);
      Object.assign(params, fields);
      return { params, files };
    }
    for (const [key, value] of new URLSearchParams(body.toString("utf8"))) params[key] = maybeJson(value);
    return { params, files: {} };
  }

  private sentMessage(chatId: number, text: string | undefined, params: Record<string, unknown>, extra: Partial<Message> = {}): Message {
    const messageId = this.newMessageId(chatId);
    this.messages.set(`${chatId}:${messageId}`, { text: text ?? "", replyMarkup: params.reply_markup });
    return { ...this.messageBody(chatId, messageId, text), ...extra };
  }

  /** The Bot API's form of bot message `messageId` (an edit answers with it too, without a new message). */
  private messageBody(chatId: number, messageId: number, text: string | undefined): Message {
    const chat: Chat = chatId > 0 ? { id: chatId, type: "private", first_name: "User" } : { id: chatId, type: "supergroup", title: "Group" };
    return {
      message_id: messageId,
      date: Math.floor(Date.now() / 1000),
      chat,
      from: { id: this.botInfo.id, is_bot: true, first_name: this.botInfo.first_name, username: this.botInfo.username },
      ...(text === undefined ? {} : { text }),
    };
  }

  private async dispatch(
    method: string,
    params: Record<string, unknown>,
    files: RecordedCall["files"],
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    const chatId = asNumber(params.chat_id);
    switch (method) {
      case "getMe":
        return this.ok(res, this.botInfo);
      case "getUpdates":
        return this.getUpdates(params, req, res);
      case "setWebhook": {
        const url = asString(params.url) ?? "";
        this.webhook = url === "" ? null : { url, secret: asString(params.secret_token) ?? null };
        return this.ok(res, true);
      }
      case "deleteWebhook":
        this.webhook = null;
        if (params.drop_pending_updates === true || params.drop_pending_updates === "true") this.queue = [];
        return this.ok(res, true);
      case "setMyCommands":
        return this.ok(res, true);
      case "getFile": {
        const file = this.files.get(asString(params.file_id) ?? "");
        if (file === undefined) return this.error(res, 400, "Bad Request: invalid file_id");
        if (file.size > this.maxDownloadBytes) return this.error(res, 400, "Bad Request: file is too big");
        return this.ok(res, { file_id: file.fileId, file_unique_id: file.uniqueId, file_size: file.size, file_path: file.path });
      }
      case "sendMessage": {
        const text = asString(params.text);
        if (chatId === undefined || text === undefined || text.length === 0) return this.error(res, 400, "Bad Request: message text is empty");
        if (text.length > 4096) return this.error(res, 400, "Bad Request: message is too long");
        return this.ok(res, this.sentMessage(chatId, text, params));
      }
      case "editMessageText": {
        const text = asString(params.text) ?? "";
        const key = `${chatId ?? 0}:${asNumber(params.message_id) ?? 0}`;
        const stored = this.messages.get(key);
        if (stored === undefined) return this.error(res, 400, "Bad Request: message to edit not found");
        if (text.length > 4096) return this.error(res, 400, "Bad Request: message is too long");
        if (stored.text === text && JSON.stringify(stored.replyMarkup) === JSON.stringify(params.reply_markup)) {
          return this.error(res, 400, "Bad Request: message is not modified: specified new message content and reply markup are exactly the same");
        }
        stored.text = text;
        stored.replyMarkup = params.reply_markup;
        return this.ok(res, { ...this.messageBody(chatId ?? 0, asNumber(params.message_id) ?? 0, text), ...(params.reply_markup === undefined ? {} : { reply_markup: params.reply_markup }) });
      }
      case "sendDocument": {
        const attach = asString(params.document) ?? "";
        const upload = files[attach.replace(/^attach:\/\//, "")];
        if (chatId === undefined || upload === undefined) return this.error(res, 400, "Bad Request: there is no document in the request");
        return this.ok(
          res,
          this.sentMessage(chatId, undefined, params, {
            document: { file_id: `doc-${randomBytes(4).toString("hex")}`, file_unique_id: "doc", file_name: upload.filename, file_size: upload.content.length },
          }),
        );
      }
      case "setMessageReaction": {
        const messageId = asNumber(params.message_id);
        if (chatId === undefined || messageId === undefined) return this.error(res, 400, "Bad Request: message to react not found");
        if (this.reactionlessChats.has(chatId)) return this.error(res, 400, "Bad Request: REACTION_INVALID");
        const reaction = Array.isArray(params.reaction) ? params.reaction : [];
        if (reaction.length > 1) return this.error(res, 400, "Bad Request: REACTIONS_TOO_MANY");
        const first: unknown = reaction[0];
        const emoji = isRecord(first) ? (asString(first.emoji) ?? "") : "";
        const key = `${chatId}:${messageId}`;
        this.reactionLog.set(key, [...(this.reactionLog.get(key) ?? []), emoji]);
        return this.ok(res, true);
      }
      case "getBusinessConnection": {
        const connection = this.businessConnections.get(asString(params.business_connection_id) ?? "");
        if (connection === undefined) return this.error(res, 400, "Bad Request: BUSINESS_CONNECTION_INVALID");
        return this.ok(res, connection);
      }
      case "answerCallbackQuery":
        return this.ok(res, true);
      case "getChatMember": {
        const userId = asNumber(params.user_id) ?? 0;
        const status = this.members.get(`${chatId ?? 0}:${userId}`) ?? "member";
        return this.ok(res, { status, user: { id: userId, is_bot: false, first_name: `User${userId}` } });
      }
      default:
        return this.error(res, 404, "Not Found: method not found");
    }
  }

  private async getUpdates(params: Record<string, unknown>, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.webhook !== null) return this.error(res, 409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
    const offset = asNumber(params.offset) ?? 0;
    const limit = Math.min(Math.max(asNumber(params.limit) ?? 100, 1), 100);
    const timeoutSeconds = Math.min(asNumber(params.timeout) ?? 0, 50);
    // As Telegram: an offset confirms the updates handed out before it, whatever their ids.
    if (offset > 0) this.queue = this.queue.filter((update) => update.update_id >= offset || !this.handedOut.has(update));
    if (this.queue.length === 0 && timeoutSeconds > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(wake, timeoutSeconds * 1000);
        const waiters = this.pollWaiters;
        function wake(): void {
          clearTimeout(timer);
          waiters.delete(wake);
          req.off("close", wake);
          resolve();
        }
        waiters.add(wake);
        req.on("close", wake);
      });
    }
    if (res.destroyed || res.writableEnded) return;
    const batch = this.queue.slice(0, limit);
    for (const update of batch) this.handedOut.add(update);
    this.ok(res, batch);
  }

  private async download(path: string, res: ServerResponse): Promise<void> {
    const file = this.filesByPath.get(path);
    if (file === undefined) return this.error(res, 404, "Not Found");
    this.downloads.started += 1;
    res.writeHead(200, { "content-type": "application/octet-stream", "content-length": file.size });
    const spec = file.spec;
    const body = "content" in spec ? Readable.from([spec.content]) : Readable.from(generate(spec.size, spec.fill ?? 0x55));
    let sent = 0;
    body.on("data", (chunk: Buffer) => {
      sent += chunk.length;
    });
    try {
      await pipeline(body, res);
      this.downloads.finished += 1;
    } catch {
      // The relay aborted the download; that is what some tests check.
    } finally {
      this.downloads.bytes += sent;
    }
  }

  private async postWebhook(webhook: { url: string; secret: string | null }, update: Update): Promise<void> {
    const body = JSON.stringify(update);
    const status = await new Promise<number>((resolve) => {
      const request = httpRequest(
        webhook.url,
        {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "content-length": Buffer.byteLength(body),
            ...(webhook.secret === null ? {} : { "x-telegram-bot-api-secret-token": webhook.secret }),
          },
        },
        (response) => {
          response.resume();
          response.on("end", () => resolve(response.statusCode ?? 0));
        },
      );
      request.on("error", () => resolve(0));
      request.end(body);
    });
    this.webhookDeliveries.push({ updateId: update.update_id, status });
  }
}

function* generate(size: number, fill: number): Generator<Buffer> {
  const chunk = Buffer.alloc(DOWNLOAD_CHUNK, fill);
  let left = size;
  while (left > 0) {
    const length = Math.min(left, DOWNLOAD_CHUNK);
    yield length === DOWNLOAD_CHUNK ? chunk : chunk.subarray(0, length);
    left -= length;
  }
}

function mentionEntities(text: string): Array<{ type: "mention"; offset: number; length: number }> {
  const entities: Array<{ type: "mention"; offset: number; length: number }> = [];
  for (const match of text.matchAll(/@[A-Za-z0-9_]{3,}/g)) entities.push({ type: "mention", offset: match.index, length: match[0].length });
  return entities;
}

function isAddressInfo(value: string | AddressInfo | null): value is AddressInfo {
  return typeof value === "object" && value !== null;
}
