/** One simulated browser tab of scripts/relay-load.ts and scripts/relay-soak.ts: follows its event stream, works on its jobs one at a time. */
import type { RelayClient } from "../../lib/relay/client";
import type { EventSubscription } from "../../lib/relay/event-subscription";

/** Milliseconds each session request took, by kind. */
export interface Latencies {
  readonly claim: number[];
  readonly audio: number[];
  readonly result: number[];
}

/** What a session does with a job it was offered; see the module comment. */
export class LoadSession {
  private readonly queue: string[] = [];
  private readonly seen = new Set<string>();
  private busy = false;
  private subscription: EventSubscription | null = null;

  constructor(
    private readonly client: RelayClient,
    private readonly latencies: Latencies,
    private readonly onDone: (jobId: string) => void,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Opens the event stream; resolves once it is open. */
  open(): Promise<void> {
    return new Promise((resolve) => {
      this.subscription = this.client.subscribe({
        onOpen: () => resolve(),
        onJob: (job) => {
          if (job.state !== "pending" || this.seen.has(job.id)) return;
          this.seen.add(job.id);
          this.queue.push(job.id);
          void this.work();
        },
        onJobGone: () => undefined,
      });
    });
  }

  private async work(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      for (let id = this.queue.shift(); id !== undefined; id = this.queue.shift()) {
        try {
          const t0 = performance.now();
          const claim = await this.client.claim(id);
          const t1 = performance.now();
          await this.client.fetchAudio(id, claim.lease);
          const t2 = performance.now();
          const posted = await this.client.postResult(id, claim.lease, { text: `t:${id}`, segments: [], language: "en" });
          const t3 = performance.now();
          this.latencies.claim.push(t1 - t0);
          this.latencies.audio.push(t2 - t1);
          this.latencies.result.push(t3 - t2);
          if (posted.status === "accepted") this.onDone(id);
        } catch (error) {
          this.onError(error);
        }
      }
    } finally {
      this.busy = false;
    }
  }

  /** Closes the event stream (reopen with {@link open}). */
  close(): void {
    this.subscription?.close();
    this.subscription = null;
  }
}
