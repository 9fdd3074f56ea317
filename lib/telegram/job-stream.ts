/**
 * The Telegram runner's hold on the relay's event stream: it opens the stream with the linked
 * client, lists the user's jobs on every (re)open so nothing sent while it was closed is missed, and
 * hands connection changes, job events and a revoked token to the runner. Reconnecting with backoff
 * is the subscription's own (event-subscription.ts, timed by `TelegramJobsOptions.subscription`).
 */
import { describeError } from "../errors";
import { createLogger } from "../logger";
import type { RelayClient } from "../relay/client";
import { RelayClientError } from "../relay/client-error";
import type { EventSubscription, SubscriptionOptions } from "../relay/event-subscription";
import { goneAction, type InboxAction } from "./inbox";

const log = createLogger("telegram");

/** What a {@link JobStream} tells the runner that owns it. */
export interface JobStreamHost {
  /** The linked client now (null once signed out); a listing that outlived its client is dropped. */
  client(): RelayClient | null;
  /** The stream opened (true) or a connection failed (false; the subscription retries). */
  setConnected(connected: boolean): void;
  /** A job event or listing for the inbox. */
  dispatch(action: InboxAction): void;
  /** Jobs may be waiting now: see whether to take one. */
  jobsChanged(): void;
  /** The relay no longer knows the token (signed out with /unlink, or its store was reset). */
  unauthorized(): void;
}

/**
 * Use one per runner: {@link open} after linking (again after every relink), {@link close} when
 * signing out or disposing.
 */
export class JobStream {
  private readonly host: JobStreamHost;
  private readonly options: SubscriptionOptions | undefined;
  private subscription: EventSubscription | null = null;

  constructor(host: JobStreamHost, options?: SubscriptionOptions) {
    this.host = host;
    this.options = options;
  }

  /** (Re)opens the stream with the host's current client; does nothing while there is none. */
  open(): void {
    const client = this.host.client();
    if (client === null) return;
    this.subscription?.close();
    this.subscription = client.subscribe(
      {
        onOpen: () => {
          this.host.setConnected(true);
          void this.refresh();
        },
        onJob: (job) => {
          this.host.dispatch({ type: "job", job });
          this.host.jobsChanged();
        },
        onJobGone: (gone) => this.host.dispatch(goneAction(gone)),
        onError: (error) => {
          log.debug("event stream", describeError(error));
          if (error.apiCode === "network" || error.status >= 400) this.host.setConnected(false);
        },
        onUnauthorized: () => this.host.unauthorized(),
      },
      this.options,
    );
  }

  /** Reconnects at once instead of waiting out the subscription's backoff (the page is shown again). */
  reconnectNow(): void {
    this.subscription?.reconnectNow();
  }

  /** Stops the stream (the host says whether that counts as disconnected). */
  close(): void {
    this.subscription?.close();
    this.subscription = null;
  }

  private async refresh(): Promise<void> {
    const client = this.host.client();
    if (client === null) return;
    try {
      const jobs = await client.listJobs();
      if (client !== this.host.client()) return;
      this.host.dispatch({ type: "listed", jobs });
      this.host.jobsChanged();
    } catch (error) {
      if (error instanceof RelayClientError && error.status === 401) this.host.unauthorized();
      else log.debug("listing jobs failed", describeError(error));
    }
  }
}
