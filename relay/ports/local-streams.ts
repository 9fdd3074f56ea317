/**
 * The port to this relay's own open event streams, as the shared backends see them: the Redis
 * event bus hands events and "close streams" orders to it, and Redis presence reports who is
 * connected. Implemented by `SessionHub` (`relay/events/session-hub.ts`).
 */

/** One event as written to a stream. */
export interface SseMessage {
  readonly id: number;
  readonly name: string;
  /** JSON, one line. */
  readonly data: string;
}

/** What a backend may do with the streams held by this process. */
export interface LocalStreams {
  /** Delivers `message` to every open stream of `userId` here. */
  publish(userId: number, message: SseMessage): void;
  /** Closes the streams of `userId` here (only those of `sessionId` when given). */
  closeUser(userId: number, sessionId?: string): void;
  /** Closes every stream here, so the browsers reconnect and replay what they missed. */
  closeAll(): void;
  /** How many streams are open here. */
  readonly connections: number;
  /** True when `userId` has a stream open here. */
  isOnline(userId: number): boolean;
  /** Users with at least one open stream here. */
  users(): number[];
  /** Calls `listener` on a user's first stream opening / last closing here; returns the unsubscribe. */
  onPresenceChange(listener: (userId: number, online: boolean) => void): () => void;
}
