/**
 * The browser's side of the Telegram loop, as one object per page: it links the session (Mini App
 * init data, a `/link` code, or the token kept in storage), follows the user's jobs over the
 * relay's event stream, and — while automatic mode is on and the page is not busy with a file of
 * the user's — takes the oldest waiting job and runs it (claim, lease, audio, transcriber, text:
 * see job-run.ts). A run that is cancelled or fails here gives the job back (release) so nothing
 * is lost: another device, or a retry, can take it. Linking is this file's; the event stream is
 * job-stream.ts's and deciding when to take a job job-scheduler.ts's.
 *
 * It is a small external store (`subscribe` / `getSnapshot`) so React reads it with
 * `useSyncExternalStore`; it has no React in it and runs in Node tests against a real relay.
 * Outside Telegram and without a stored session it contacts nothing until the user asks, so a page
 * with no relay behind it stays quiet.
 */
import { describeError } from "../errors";
import { ExternalStore } from "../external-store";
import { forgivingStorage, type KeyValueStorage } from "../storage";
import { createLogger } from "../logger";
import { RelayClient, type FetchLike } from "../relay/client";
import type { RelayUser } from "../relay/protocol";
import { inboxReducer, retryAction, type InboxAction } from "./inbox";
import { normalizeLinkCode } from "../relay/link-code";
import type { JobTranscriber } from "./job-run";
import { JobScheduler } from "./job-scheduler";
import { JobStream } from "./job-stream";
import { INITIAL_TELEGRAM_SNAPSHOT, type TelegramJobsOptions, type TelegramJobsSnapshot } from "./jobs-snapshot";
import type { ExportUploader } from "../relay/export-upload";
import { fetchRelayHealth, linkFailure, parseAutoSetting, parseStoredSession, RELAY_SESSION_KEY, serializeSession, TELEGRAM_AUTO_KEY, type RelayHealth } from "./relay-link";

const log = createLogger("telegram");

const SIGNED_OUT_NOTICE = "This browser was signed out (for example with /unlink in Telegram). Link it again to receive voice messages.";

/** See the module comment. */
export class TelegramJobsRunner extends ExternalStore<TelegramJobsSnapshot> {
  private readonly fetchImpl: FetchLike;
  private client: RelayClient | null = null;
  private readonly stream: JobStream;
  private readonly scheduler: JobScheduler;
  private relinkedAfterSignOut = false;
  private disposed = false;
  private readonly options: TelegramJobsOptions;
  private readonly storage: KeyValueStorage;

  constructor(options: TelegramJobsOptions) {
    super(INITIAL_TELEGRAM_SNAPSHOT);
    this.options = options;
    this.storage = forgivingStorage(options.storage, (key, error) => log.warn(`could not keep ${key} on this device`, describeError(error)));
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
    this.stream = new JobStream(
      {
        client: () => this.client,
        setConnected: (connected) => this.update({ connected }),
        dispatch: (action) => this.dispatch(action),
        jobsChanged: () => this.scheduler.pump(),
        unauthorized: () => this.signedOut(),
      },
      options.subscription,
    );
    this.scheduler = new JobScheduler(
      {
        snapshot: () => this.snapshot,
        client: () => this.client,
        setCurrentJob: (currentJobId) => this.update({ currentJobId }),
        dispatch: (action) => this.dispatch(action),
        disposed: () => this.disposed,
      },
      options,
    );
  }

  private update(patch: Partial<TelegramJobsSnapshot>): void {
    this.publish({ ...this.snapshot, ...patch });
  }

  private dispatch(action: InboxAction): void {
    const inbox = inboxReducer(this.snapshot.inbox, action);
    if (inbox !== this.snapshot.inbox) this.update({ inbox });
  }

  // -------------------------------------------------------------------------------------------
  // Linking

  /**
   * Reads storage and starts: resumes a stored session, or links with the Mini App's init data.
   * Outside Telegram with nothing stored it contacts nothing. Safe to call more than once.
   */
  start(): void {
    if (this.snapshot.started || this.disposed) return;
    const inTelegram = this.options.launch !== null;
    const auto = parseAutoSetting(this.storage.getItem(TELEGRAM_AUTO_KEY));
    this.update({ started: true, inTelegram, auto });
    const stored = parseStoredSession(this.storage.getItem(RELAY_SESSION_KEY), this.options.baseUrl);
    const launchUserId = this.options.launch?.user?.id ?? null;
    if (stored !== null && (launchUserId === null || launchUserId === stored.user.id)) {
      this.client = this.newClient(stored.token);
      this.update({ link: { kind: "linked", user: stored.user } });
      this.connect();
      return;
    }
    if (inTelegram) void this.linkWithTelegram();
  }

  /** Links with the Mini App's init data (done by {@link start} in Telegram; also the "Link" button there). */
  async linkWithTelegram(): Promise<void> {
    const initData = this.options.launch?.initData;
    if (initData === undefined || this.busyLinking()) return;
    this.update({ link: { kind: "checking" } });
    const health = await this.checkRelay();
    if (health !== "ready") return;
    await this.link("telegram", (client) => client.linkWithInitData(initData));
  }

  /** Links with a code from the bot's `/link`. */
  async linkWithCode(input: string): Promise<void> {
    if (this.busyLinking()) return;
    const code = normalizeLinkCode(input);
    if (code === null) {
      this.update({ link: { kind: "failed", message: "That is not a link code: send /link to the bot and type the 8 characters it answers, e.g. 7KQ2-M9XD." } });
      return;
    }
    await this.link("code", (client) => client.linkWithCode(code));
  }

  /**
   * Asks the relay's /healthz whether a bot runs behind it. The panel calls it when the user opens
   * the link form outside Telegram, so a page nobody links never contacts the relay.
   */
  async checkRelay(): Promise<RelayHealth> {
    const health = await fetchRelayHealth(this.fetchImpl, this.options.baseUrl);
    if (this.disposed) return health;
    const link = this.snapshot.link;
    if (health !== "ready" && link.kind !== "linked") this.update({ relay: health, link: { kind: "unavailable", reason: health } });
    else if (health === "ready" && link.kind === "unavailable") this.update({ relay: health, link: { kind: "idle", notice: null } });
    else this.update({ relay: health });
    return health;
  }

  /** Signs this browser out on the relay and forgets the token; the inbox empties. */
  async unlink(): Promise<void> {
    const client = this.client;
    if (client === null || this.snapshot.currentJobId !== null) return;
    this.update({ link: { kind: "unlinking" } });
    this.disconnect();
    try {
      await client.signOut();
    } catch (error) {
      // The token is forgotten here either way; `/unlink` in Telegram ends it on the relay.
      log.warn("signing out on the relay failed", describeError(error));
    }
    this.forgetSession();
    this.update({ link: { kind: "idle", notice: null } });
  }

  private busyLinking(): boolean {
    const kind = this.snapshot.link.kind;
    return kind === "checking" || kind === "linking" || kind === "unlinking";
  }

  private async link(via: "telegram" | "code", call: (client: RelayClient) => Promise<{ token: string; user: RelayUser }>): Promise<void> {
    this.update({ link: { kind: "linking", via } });
    const client = this.newClient(null);
    try {
      const session = await call(client);
      if (this.disposed) return;
      this.client = client;
      this.storage.setItem(RELAY_SESSION_KEY, serializeSession({ token: session.token, user: session.user, baseUrl: this.options.baseUrl }));
      log.info(`linked to Telegram user ${session.user.id}`);
      this.update({ link: { kind: "linked", user: session.user }, relay: "ready" });
      this.connect();
    } catch (error) {
      if (this.disposed) return;
      const failure = linkFailure(error, via);
      log.warn(`linking (${via}) failed`, describeError(error));
      this.update(
        failure.kind === "unavailable" ? { link: { kind: "unavailable", reason: failure.reason }, relay: failure.reason } : { link: { kind: "failed", message: failure.message } },
      );
    }
  }

  private newClient(token: string | null): RelayClient {
    return new RelayClient({ baseUrl: this.options.baseUrl, token, fetch: this.fetchImpl });
  }

  private forgetSession(): void {
    this.client = null;
    this.storage.removeItem(RELAY_SESSION_KEY);
    this.dispatch({ type: "clear" });
  }

  /** The linked session as an export upload needs it (`lib/relay/export-upload.ts`); null when not linked. */
  exportUploader(): ExportUploader | null {
    const token = this.client?.token ?? null;
    if (token === null || this.snapshot.link.kind !== "linked") return null;
    return { baseUrl: this.options.baseUrl, token, fetch: this.fetchImpl };
  }

  /** The page is shown again (a Mini App Telegram had hidden, a tab back in front): the job stream reconnects at once. */
  resume(): void {
    this.stream.reconnectNow();
  }

  // -------------------------------------------------------------------------------------------
  // Events (the stream itself: job-stream.ts)

  private connect(): void {
    if (this.disposed) return;
    this.stream.open();
  }

  private disconnect(): void {
    this.stream.close();
    this.update({ connected: false });
  }

  /** The relay no longer knows our token (signed out with /unlink, or its store was reset). */
  private signedOut(): void {
    if (this.client === null) return;
    log.info("the relay signed this browser out");
    this.disconnect();
    this.forgetSession();
    // Inside Telegram the launch data links again once; a second sign-out is left to the user.
    if (this.options.launch !== null && !this.relinkedAfterSignOut) {
      this.relinkedAfterSignOut = true;
      void this.linkWithTelegram();
      return;
    }
    this.update({ link: { kind: "idle", notice: SIGNED_OUT_NOTICE } });
  }

  // -------------------------------------------------------------------------------------------
  // Work (when to take a job: job-scheduler.ts)

  /** Gives the runner the page's transcriber (null while there is none); it follows its busy state. */
  setTranscriber(transcriber: JobTranscriber | null): void {
    this.scheduler.setTranscriber(transcriber);
  }

  /** Turns automatic transcription on or off (kept on this device). */
  setAuto(auto: boolean): void {
    this.storage.setItem(TELEGRAM_AUTO_KEY, auto ? "on" : "off");
    this.update({ auto });
    this.scheduler.pump();
  }

  /** Transcribes one job now, at the user's request (automatic mode off, or a job cancelled or failed here). */
  takeJob(id: string): void {
    this.scheduler.takeJob(id);
  }

  /**
   * The inbox's Retry (offered where `retryAction` says): a job waiting at the relay is taken again
   * here; a failed, expired or undelivered one is retried by the relay, which updates the chat as its
   * own Retry button would, and the job comes back through the event stream.
   */
  retryJob(id: string): void {
    const entry = this.snapshot.inbox.entries.find((candidate) => candidate.job.id === id);
    const action = entry === undefined ? null : retryAction(entry);
    if (action === "take") this.takeJob(id);
    if (action === "relay") this.client?.retry(id).catch((error: unknown) => log.warn(`the relay did not retry job ${id}`, describeError(error)));
  }

  /** Stops everything (tests; a page simply closes). A job in progress keeps its lease until it expires. */
  dispose(): void {
    this.disposed = true;
    this.scheduler.dispose();
    this.stream.close();
    this.dropListeners();
  }
}
