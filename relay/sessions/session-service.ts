/**
 * Linking browser sessions to Telegram users: by signed Mini App init data, or by a one-time
 * `/link` code for browsers outside Telegram. A session is an opaque random token the browser
 * keeps; the store holds only its SHA-256. One user may have several sessions, up to a cap (the
 * oldest is signed out). A session ends when idle too long, when older than its absolute lifetime,
 * on sign-out, or on `/unlink` — after which init data signed before the unlink is refused.
 */
import { createLogger } from "../../lib/logger";
import type { RelayUser, SessionResponse } from "../../lib/relay/protocol";
import { hashSecret, newLinkCode, newSessionToken } from "../auth/secrets";
import { verifyInitData } from "../auth/verify-init-data";
import { BotDisabledError, UnauthorizedError } from "../errors";
import type { RelayStore, SessionRecord } from "../ports/relay-store";
import { normalizeLinkCode } from "../../lib/relay/link-code";
import type { EventBus } from "../ports/event-bus";
import type { SessionActor } from "../jobs/job-leases";

const log = createLogger("relay:sessions");

/** How long a `/link` code stays valid. */
export const LINK_CODE_TTL_SECONDS = 600;

/** How stale `lastSeenAt` may get before an authenticated request writes it again. */
const TOUCH_EVERY_MS = 60_000;

/** How long sessions live and how many a user may keep; see `RelayConfig`. */
export interface SessionLimits {
  readonly idleSeconds: number;
  readonly maxAgeSeconds: number;
  readonly perUser: number;
}

/** Used when a caller gives no limits (tests): the relay's defaults. */
export const DEFAULT_SESSION_LIMITS: SessionLimits = { idleSeconds: 30 * 86_400, maxAgeSeconds: 180 * 86_400, perUser: 10 };

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
  readonly limits?: SessionLimits;
  readonly now?: () => number;
}

/** See the module comment. */
export class SessionService {
  private readonly store: RelayStore;
  private readonly bus: EventBus;
  private readonly botToken: string | null;
  private readonly maxAgeSeconds: number;
  private readonly limits: SessionLimits;
  private readonly now: () => number;

  constructor(options: SessionServiceOptions) {
    this.store = options.store;
    this.bus = options.bus;
    this.botToken = options.botToken;
    this.maxAgeSeconds = options.initDataMaxAgeSeconds;
    this.limits = options.limits ?? DEFAULT_SESSION_LIMITS;
    this.now = options.now ?? Date.now;
  }

  /** Links a session from Mini App init data; 401 when it is forged, expired, has no user, or predates `/unlink`. */
  async linkWithInitData(initData: string): Promise<SessionResponse> {
    if (this.botToken === null) throw new BotDisabledError();
    const verified = verifyInitData(initData, this.botToken, this.maxAgeSeconds, this.now());
    const unlinkedAt = await this.store.findUnlinkedAt(verified.user.id);
    if (unlinkedAt !== null && verified.authDate * 1000 <= unlinkedAt) {
      throw new UnauthorizedError("this sign-in was issued before /unlink; open the app from Telegram again");
    }
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
    const now = this.now();
    if (this.isExpired(record, now)) {
      await this.store.deleteSession(tokenHash);
      throw new UnauthorizedError("this session has expired; link again");
    }
    if (now - record.lastSeenAt >= TOUCH_EVERY_MS) await this.store.touchSession(tokenHash, now);
    return { tokenHash, sessionId: tokenHash.slice(0, 24), userId: record.user.id, user: record.user };
  }

  /** Ends one session and closes its event streams. */
  async logout(session: Session): Promise<void> {
    await this.store.deleteSession(session.tokenHash);
    await this.bus.closeStreams(session.userId, session.sessionId);
  }

  /** Ends every session of a user (`/unlink`); returns how many there were. */
  async unlinkUser(userId: number): Promise<number> {
    await this.store.setUnlinkedAt(userId, this.now());
    const count = await this.store.deleteUserSessions(userId);
    await this.bus.closeStreams(userId, null);
    return count;
  }

  /** Deletes every idle or too old session (the sweeper calls it); returns how many. */
  async pruneExpired(): Promise<number> {
    const now = this.now();
    return this.store.pruneSessions(now - this.limits.idleSeconds * 1000, now - this.limits.maxAgeSeconds * 1000);
  }

  private isExpired(record: SessionRecord, now: number): boolean {
    return record.lastSeenAt < now - this.limits.idleSeconds * 1000 || record.createdAt < now - this.limits.maxAgeSeconds * 1000;
  }

  private async open(user: RelayUser): Promise<SessionResponse> {
    const token = newSessionToken();
    const now = this.now();
    const tokenHash = hashSecret(token);
    await this.store.createSession({ tokenHash, user, createdAt: now, lastSeenAt: now });
    const others = (await this.store.listUserSessions(user.id)).filter((session) => session.tokenHash !== tokenHash);
    for (const old of others.slice(0, Math.max(0, others.length + 1 - this.limits.perUser))) {
      await this.store.deleteSession(old.tokenHash);
      await this.bus.closeStreams(user.id, old.tokenHash.slice(0, 24));
    }
    log.info(`session linked for user ${user.id}`);
    return { token, user };
  }
}
