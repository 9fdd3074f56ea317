/**
 * The port that answers "is any session of this user online?" — asked when a job is queued, to
 * choose between "Transcribing on your device…" and "Open the app". Implemented by `LocalPresence`
 * (`relay/events/`, one relay) and `RedisPresence` (`relay/redis/`, several relays).
 */

/** See the module comment; use it instead of asking the hub when several relays may hold the stream. */
export interface Presence {
  /** True when at least one event stream of `userId` is open on any relay. */
  isOnline(userId: number): Promise<boolean>;
  /** Stops reporting (the connection is closed separately). */
  close(): Promise<void>;
}
