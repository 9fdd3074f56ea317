/**
 * The port for the one-poller rule of Telegram long polling: the relay holding the lease polls.
 * Implemented by `ALWAYS_LEADER` (`relay/bot/polling-leader.ts`, one relay) and `RedisLeaderLease`
 * (`relay/redis/`, several relays).
 */

/** A renewable right to lead; `PollingLeader` polls only while it holds one. */
export interface LeaderLease {
  /** Takes the lease when it is free, or renews it when it is ours; true when we hold it now. */
  hold(): Promise<boolean>;
  /** Gives it up if it is ours. */
  release(): Promise<void>;
  /** How long a hold lasts without renewal; it is renewed every third of this. */
  readonly leaseMs: number;
}
