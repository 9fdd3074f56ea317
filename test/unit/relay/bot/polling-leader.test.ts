import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { PollingLeader, type PollingBot } from "../../../../relay/bot/polling-leader";
import type { LeaderLease } from "../../../../relay/ports/leader-lease";

/** A bot whose polling runs until `stop()` or until the test makes it fail. */
class FakeBot implements PollingBot {
  starts = 0;
  stops = 0;
  private running = false;
  private end: ((error?: Error) => void) | null = null;

  start(options: { onStart: (info: { readonly username: string }) => void }): Promise<void> {
    this.starts += 1;
    this.running = true;
    options.onStart({ username: "test_bot" });
    return new Promise((resolve, reject) => {
      this.end = (error) => {
        this.running = false;
        if (error === undefined) resolve();
        else reject(error);
      };
    });
  }

  async stop(): Promise<void> {
    this.stops += 1;
    this.end?.();
  }

  isRunning(): boolean {
    return this.running;
  }

  fail(error: Error): void {
    this.end?.(error);
  }
}

/** A lease the test hands out or takes away; `failing` makes hold() throw (Redis unreachable). */
class FakeLease implements LeaderLease {
  readonly leaseMs = 300;
  ours = true;
  failing = false;
  released = 0;

  async hold(): Promise<boolean> {
    if (this.failing) throw new Error("Redis is down");
    return this.ours;
  }

  async release(): Promise<void> {
    this.released += 1;
  }
}

describe("PollingLeader", () => {
  let bot: FakeBot;
  let lease: FakeLease;
  let leader: PollingLeader;

  beforeEach(() => {
    vi.useFakeTimers();
    vi.stubEnv("LOG_LEVEL", "silent");
    bot = new FakeBot();
    lease = new FakeLease();
    leader = new PollingLeader({ bot, lease, allowedUpdates: ["message"], now: () => Date.now() });
  });
  afterEach(async () => {
    await leader.stop();
    vi.useRealTimers();
    vi.unstubAllEnvs();
  });

  it("polls while it holds the lease and stops when another relay takes it", async () => {
    leader.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(leader.isPolling).toBe(true);
    expect(bot.starts).toBe(1);
    await vi.advanceTimersByTimeAsync(500);
    expect(bot.starts).toBe(1);
    lease.ours = false;
    await vi.advanceTimersByTimeAsync(100);
    expect(leader.isPolling).toBe(false);
    expect(bot.stops).toBe(1);
    lease.ours = true;
    await vi.advanceTimersByTimeAsync(100);
    expect(leader.isPolling).toBe(true);
    expect(bot.starts).toBe(2);
  });

  it("never polls without the lease", async () => {
    lease.ours = false;
    leader.start();
    await vi.advanceTimersByTimeAsync(1000);
    expect(bot.starts).toBe(0);
  });

  it("keeps polling through a short Redis outage, but not past its last lease", async () => {
    leader.start();
    await vi.advanceTimersByTimeAsync(0);
    lease.failing = true;
    await vi.advanceTimersByTimeAsync(100);
    expect(leader.isPolling).toBe(true);
    await vi.advanceTimersByTimeAsync(300);
    expect(leader.isPolling).toBe(false);
    lease.failing = false;
    await vi.advanceTimersByTimeAsync(100);
    expect(leader.isPolling).toBe(true);
  });

  it("starts polling again after it failed, backing off", async () => {
    leader.start();
    await vi.advanceTimersByTimeAsync(0);
    bot.fail(new Error("409: Conflict: terminated by other getUpdates request"));
    await vi.advanceTimersByTimeAsync(500);
    expect(bot.starts).toBe(1);
    await vi.advanceTimersByTimeAsync(600);
    expect(bot.starts).toBe(2);
  });

  it("stops polling and releases the lease on shutdown", async () => {
    leader.start();
    await vi.advanceTimersByTimeAsync(0);
    await leader.stop();
    expect(leader.isPolling).toBe(false);
    expect(bot.stops).toBe(1);
    expect(lease.released).toBe(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(bot.starts).toBe(1);
  });
});
