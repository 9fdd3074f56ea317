/**
 * Linking browser sessions to Telegram users: by signed Mini App init data, or by a one-time
 * `/link` code for browsers outside Telegram. A session is an opaque random token the browser
 * keeps; the store holds only its SHA-256. One user may have several sessions.
 */
import { createLogger } from "../../lib/logger";
import type { RelayUser, SessionResponse } from "../../lib/relay/protocol";
import { hashSecret, newLinkCode, newSessionToken } from "../auth/secrets";
import { verifyInitData } from "../auth/verify-init-data";
import { BotDisabledError, UnauthorizedError } from "../errors";
import type { SessionActor } from "../jobs/job-service";
import type { RelayStore } from "../ports/relay-store";
import { normalizeLinkCode } from "../../lib/relay/link-code";
import type { EventBus } from "../ports/event-bus";

const log = createLogger("relay:sessions");

/** How long a `/link` code stays valid. */
export const LINK_CODE_TTL_SECONDS = 600;

/** An authenticated caller of the session API. */
export interface Session extends SessionActor {
  readonly tokenHash: string;
  readonly user: RelayUser;
}

/** What the service needs. */
export interface SessionServiceOptions {
  readonly store: RelayStore;
  /** Closes a signed-out user's event streams on every relay. */
  readonly bus: EventBus;
  /** Null without the bot: init data cannot be checked and no codes exist. */
  readonly botToken: string | null;
  readonly initDataMaxAgeSeconds: number;
  readonly now?: () => number;
}

/** See the module comment. */
export class SessionService {
  private readonly store: RelayStore;
  private readonly bus: EventBus;
  private readonly botToken: string | null;
  private readonly maxAgeSeconds: number;
  private readonly now: () => number;

  constructor(options: SessionServiceOptions) {
    this.store = options.store;
    this.bus = options.bus;
    this.botToken = options.botToken;
    this.maxAgeSeconds = options.initDataMaxAgeSeconds;
    this.now = options.now ?? Date.now;
  }

  /** Links a session from Mini App init data; 401 when it is forged, expired or has no user. */
  async linkWithInitData(initData: string): Promise<SessionResponse> {
    if (this.botToken === null) throw new BotDisabledError();
    const verified = verifyInitData(initData, this.botToken, this.maxAgeSeconds, this.now());
    return this.open(verified.user);
  }

  /** Links a session from a `/link` code; 401 when unknown, used or expired. */
  async linkWithCode(code: string): Promise<SessionResponse> {
    const normalized = normalizeLinkCode(code);
    const record = normalized === null ? null : await this.store.takeLinkCode(hashSecret(normalized), this.now());
    if (record === null) throw new UnauthorizedError("this code is unknown, used or expired; send /link to the bot for a new one");
    return this.open(record.user);
  }

  /** A new one-time code for `user` (the bot's `/link`), valid {@link LINK_CODE_TTL_SECONDS}. */
  async createLinkCode(user: RelayUser): Promise<string> {
    const code = newLinkCode();
    const normalized = normalizeLinkCode(code);
    if (normalized === null) throw new Error("generated an invalid link code");
    await this.store.saveLinkCode({ codeHash: hashSecret(normalized), user, expiresAt: this.now() + LINK_CODE_TTL_SECONDS * 1000 });
    return code;
  }

  /** The session behind an `Authorization` header value; 401 when missing or unknown. */
  async authenticate(authorization: string | undefined): Promise<Session> {
    const match = /^Bearer\s+([A-Za-z0-9_-]{20,200})\s*$/i.exec(authorization ?? "");
    const token = match?.[1];
    if (token === undefined) throw new UnauthorizedError("send Authorization: Bearer <session token>");
    const tokenHash = hashSecret(token);
    const record = await this.store.findSession(tokenHash);
    if (record === null) throw new UnauthorizedError("this session is unknown or was signed out; link again");
    return { tokenHash, sessionId: tokenHash.slice(0, 24), userId: record.user.id, user: record.user };
  }

  /** Ends one session and closes its event streams. */
  async logout(session: Session): Promise<void> {
    await this.store.deleteSession(session.tokenHash);
    await this.bus.closeStreams(session.userId, session.sessionId);
  }

  /** Ends every session of a user (`/unlink`); returns how many there were. */
  async unlinkUser(userId: number): Promise<number> {
    const count = await this.store.deleteUserSessions(userId);
    await this.bus.closeStreams(userId, null);
    return count;
  }

  private async open(user: RelayUser): Promise<SessionResponse> {
    const token = newSessionToken();
    await this.store.createSession({ tokenHash: hashSecret(token), user, createdAt: this.now() });
    log.info(`session linked for user ${user.id}`);
    return { token, user };
  }
}
