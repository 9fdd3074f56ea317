/**
 * "Is any session of this user online?" — asked when a job is queued, to choose between
 * "Transcribing on your device…" and "Open the app". With one relay the answer is its own hub;
 * with several (Redis), a session may hold its stream on any of them, so `RedisPresence`
 * (`relay/redis/`) also asks Redis, where every relay records the users connected to it.
 */
import type { SessionHub } from "./session-hub";
import type { Presence } from "../ports/presence";

/** The {@link Presence} of a single relay: its own hub. */
export class LocalPresence implements Presence {
  constructor(private readonly hub: SessionHub) {}

  async isOnline(userId: number): Promise<boolean> {
    return this.hub.isOnline(userId);
  }

  async close(): Promise<void> {
    // Nothing was recorded outside this process.
  }
}
