/**
 * The page's Telegram runner against a real relay over sockets (the harness's in-process relay and
 * stand-in Bot API), with a scripted transcriber in place of Whisper.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { FetchLike } from "../../../../lib/relay/client";
import { parseInitData } from "../../../../lib/telegram/init-data";
import { TelegramJobsRunner } from "../../../../lib/telegram/jobs-runner";
import { initDataFor, testUser } from "../../../support/fake-bot-api";
import { eventually, startHarness, type Harness } from "../../relay/harness";
import { createMemoryStorage } from "../../../../lib/storage";
import { FINAL_FAILURES, type FinishedJob, type JobRunOutcome, type JobTranscriber } from "../../../../lib/telegram/job-run";
import { entryStatusText, retryAction } from "../../../../lib/telegram/inbox";
import { insteadOfRetry } from "../../../../lib/relay/failure-kinds";
import { texts } from "../../../../relay/texts";
import type { TelegramJobsOptions } from "../../../../lib/telegram/jobs-snapshot";
import { RELAY_SESSION_KEY, serializeSession, TELEGRAM_AUTO_KEY } from "../../../../lib/telegram/relay-link";

/**
 * A transcriber that answers each run with the next scripted outcome, recording the files it got;
 * `setBusy` plays the page being busy with a file of the user's.
 */
function scripted(outcomes: JobRunOutcome[]): JobTranscriber & { files: File[]; cancelled: number; setBusy(busy: boolean): void } {
  const files: File[] = [];
  const listeners = new Set<() => void>();
  let busy = false;
  const self = {
    files,
    cancelled: 0,
    async transcribeFile(file: File): Promise<JobRunOutcome> {
      files.push(file);
      return outcomes.shift() ?? { kind: "failed", message: "no outcome scripted" };
    },
    cancel() {
      self.cancelled += 1;
    },
    isBusy: () => busy,
    subscribe(listener: () => void) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    setBusy(next: boolean) {
      busy = next;
      for (const listener of listeners) listener();
    },
  };
  return self;
}

/** The launch a Mini App page would read from its hash for `initData`. */
function launchOf(initData: string | null): TelegramJobsOptions["launch"] {
  if (initData === null) return null;
  const parsed = parseInitData(initData);
  const user = parsed.ok ? parsed.value.user : null;
  return user === null ? { initData } : { initData, user };
}

const done = (text: string): JobRunOutcome => ({
  kind: "done",
  result: { text, segments: [{ start: 0, end: 1, text }], language: "en", duration: 1 },
  attempt: { model: "whisper-tiny" },
});

describe("TelegramJobsRunner against a relay", () => {
  let h: Harness;
  const runners: TelegramJobsRunner[] = [];

  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    for (const runner of runners.splice(0)) runner.dispose();
    await h.close();
  });

  function runner(options: { initData?: string | null; storage?: ReturnType<typeof createMemoryStorage>; fetch?: FetchLike; onFinished?: (f: FinishedJob) => void } = {}): TelegramJobsRunner {
    const created = new TelegramJobsRunner({
      baseUrl: h.relay.url,
      storage: options.storage ?? createMemoryStorage(),
      launch: launchOf(options.initData ?? null),
      subscription: { initialRetryMs: 50, maxRetryMs: 200 },
      retryDelayMs: 50,
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
      ...(options.onFinished === undefined ? {} : { onFinished: options.onFinished }),
    });
    runners.push(created);
    return created;
  }

  it("links from init data, transcribes a voice message automatically and posts it once", async () => {
    const ada = testUser(2001, "Ada");
    const storage = createMemoryStorage();
    const finished: FinishedJob[] = [];
    const jobs = runner({ initData: initDataFor(h.api.token, ada), storage, onFinished: (f) => finished.push(f) });
    const transcriber = scripted([done("hello from the runner")]);
    jobs.setTranscriber(transcriber);
    jobs.start();
    await eventually(() => (jobs.getSnapshot().connected ? true : undefined), 5000, "linked and connected");
    expect(jobs.getSnapshot().link).toMatchObject({ kind: "linked", user: { id: ada.id, firstName: "Ada" } });
    expect(storage.getItem(RELAY_SESSION_KEY)).toContain(h.relay.url);

    const voice = h.api.sendVoice({ from: ada, size: 5000, duration: 4 });
    const edit = await h.api.waitForCall("editMessageText", (call) => call.params.text === "hello from the runner", 10_000);
    expect(edit.params.message_id).not.toBe(voice.message_id);
    expect(transcriber.files).toHaveLength(1);
    expect(transcriber.files[0]?.type).toBe("audio/ogg");
    expect(transcriber.files[0]?.size).toBe(5000);
    await eventually(() => (finished.length === 1 ? true : undefined), 5000, "onFinished");
    expect(finished[0]?.outcome.result.text).toBe("hello from the runner");
    const entry = jobs.getSnapshot().inbox.entries[0];
    expect(entry?.local).toEqual({ kind: "sent", text: "hello from the runner" });
    expect(h.api.callsTo("editMessageText")).toHaveLength(1);
  });

  it("gives back a job cancelled or failed here, leaves it for the user, and takes it on request", async () => {
    const bo = testUser(2002, "Bo");
    const jobs = runner({ initData: initDataFor(h.api.token, bo) });
    const transcriber = scripted([{ kind: "cancelled" }, { kind: "failed", message: "out of memory" }, done("third time lucky")]);
    jobs.setTranscriber(transcriber);
    jobs.start();
    await eventually(() => (jobs.getSnapshot().connected ? true : undefined), 5000, "connected");

    h.api.sendVoice({ from: bo, size: 2048 });
    const released = await eventually(() => {
      const entry = jobs.getSnapshot().inbox.entries[0];
      return entry?.local.kind === "released" && entry.job.state === "pending" ? entry : undefined;
    }, 5000, "released after cancel");
    expect(released.local).toEqual({ kind: "released", reason: "cancelled", message: null });
    // Automatic mode does not take it again by itself.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(transcriber.files).toHaveLength(1);

    jobs.takeJob(released.job.id);
    await eventually(() => {
      const entry = jobs.getSnapshot().inbox.entries[0];
      return entry?.local.kind === "released" && entry.local.reason === "failed" && jobs.getSnapshot().currentJobId === null ? entry : undefined;
    }, 5000, "released after failure");
    expect(jobs.getSnapshot().inbox.entries[0]?.local).toMatchObject({ message: "out of memory" });

    jobs.takeJob(released.job.id);
    await h.api.waitForCall("editMessageText", (call) => call.params.text === "third time lucky", 10_000);
    // Each give-back told the chat the job waits for a device again; each claim that it is being transcribed.
    const waiting = texts.statusWaiting(86_400);
    expect(h.api.callsTo("editMessageText").map((call) => call.params.text)).toEqual([waiting, texts.statusWorking, waiting, texts.statusWorking, "third time lucky"]);
  });

  it("posts a failure no device would overcome, so the chat says why and what to do instead, and the inbox shows the reason", async () => {
    const cy = testUser(2005, "Cy");
    const jobs = runner({ initData: initDataFor(h.api.token, cy) });
    jobs.setTranscriber(scripted([{ kind: "failed", message: "Could not decode", reason: "input" }]));
    jobs.start();
    await eventually(() => (jobs.getSnapshot().connected ? true : undefined), 5000, "connected");

    h.api.sendVoice({ from: cy, size: 2048 });
    const edit = await h.api.waitForCall("editMessageText", (call) => String(call.params.text).startsWith(texts.failed(FINAL_FAILURES.input)), 10_000);
    // Retrying cannot help a file that is not audio: no Retry, and the message says what to do.
    expect(String(edit.params.text)).toBe(`${texts.failed(FINAL_FAILURES.input)}\n\n${insteadOfRetry("not-audio") ?? ""}`);
    expect(JSON.stringify(edit.params.reply_markup ?? null)).not.toContain(texts.retry);
    const entry = await eventually(() => {
      const first = jobs.getSnapshot().inbox.entries[0];
      return first?.local.kind === "failed" && first.job.state === "failed" ? first : undefined;
    }, 5000, "failed in the inbox");
    expect(entryStatusText(entry)).toContain(FINAL_FAILURES.input);
    expect(retryAction(entry)).toBeNull();
  });

  it("retries from the inbox a job that ran out of memory: the chat's status changes as for its own Retry, and it is transcribed", async () => {
    const di = testUser(2006, "Di");
    const jobs = runner({ initData: initDataFor(h.api.token, di) });
    jobs.setTranscriber(scripted([{ kind: "failed", message: "out of memory", reason: "memory" }, done("second try")]));
    jobs.start();
    await eventually(() => (jobs.getSnapshot().connected ? true : undefined), 5000, "connected");

    h.api.sendVoice({ from: di, size: 2048 });
    const edit = await h.api.waitForCall("editMessageText", (call) => call.params.text === texts.failed(FINAL_FAILURES.memory), 10_000);
    expect(JSON.stringify(edit.params.reply_markup)).toContain(texts.retry);
    const entry = await eventually(() => {
      const first = jobs.getSnapshot().inbox.entries[0];
      return first?.job.state === "failed" && first.local.kind === "failed" ? first : undefined;
    }, 5000, "failed in the inbox");
    expect(retryAction(entry)).toBe("relay");
    jobs.retryJob(entry.job.id);
    await h.api.waitForCall("editMessageText", (call) => call.params.text === "second try", 10_000);
    const shown = h.api.callsTo("editMessageText").map((call) => call.params.text);
    // As for the chat's Retry: this user's device is online, so the status says it is being transcribed.
    expect(shown.slice(shown.indexOf(texts.failed(FINAL_FAILURES.memory)) + 1)).toEqual([texts.statusWorking, "second try"]);
  });

  it("waits while the page is busy, and with automatic mode off until asked", async () => {
    const cy = testUser(2003, "Cy");
    const storage = createMemoryStorage();
    storage.setItem(TELEGRAM_AUTO_KEY, "off");
    const jobs = runner({ initData: initDataFor(h.api.token, cy), storage });
    const transcriber = scripted([done("one"), done("two")]);
    jobs.setTranscriber(transcriber);
    jobs.start();
    expect(jobs.getSnapshot().auto).toBe(false);
    await eventually(() => (jobs.getSnapshot().connected ? true : undefined), 5000, "connected");

    h.api.sendVoice({ from: cy, size: 1024 });
    await eventually(() => (jobs.getSnapshot().inbox.entries.length === 1 ? true : undefined), 5000, "job listed");
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(transcriber.files).toHaveLength(0);

    transcriber.setBusy(true);
    jobs.setAuto(true);
    expect(storage.getItem(TELEGRAM_AUTO_KEY)).toBe("on");
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(transcriber.files).toHaveLength(0);
    transcriber.setBusy(false);
    await h.api.waitForCall("editMessageText", (call) => call.params.text === "one", 10_000);
  });

  it("outside Telegram with nothing stored, contacts nothing; a stored session resumes; a revoked one says so", async () => {
    const calls: string[] = [];
    const spy: FetchLike = (input, init) => {
      calls.push(`${init?.method ?? "GET"} ${new URL(input).pathname}`);
      return fetch(input, init);
    };
    const quiet = runner({ fetch: spy });
    quiet.start();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(calls).toEqual([]);
    expect(quiet.getSnapshot().link).toEqual({ kind: "idle", notice: null });
    expect(await quiet.checkRelay()).toBe("ready");
    expect(calls).toEqual(["GET /healthz"]);

    const di = testUser(2004, "Di");
    const client = await h.clientFor(di);
    const user = (await client.getSession()).user;
    const storage = createMemoryStorage();
    storage.setItem(RELAY_SESSION_KEY, serializeSession({ token: client.token ?? "", user, baseUrl: h.relay.url }));
    const resumed = runner({ storage });
    resumed.start();
    expect(resumed.getSnapshot().link).toMatchObject({ kind: "linked", user: { id: di.id } });
    await eventually(() => (resumed.getSnapshot().connected ? true : undefined), 5000, "connected");

    await client.signOut();
    await eventually(() => (resumed.getSnapshot().link.kind === "idle" ? true : undefined), 5000, "signed out");
    expect(resumed.getSnapshot().link).toMatchObject({ notice: expect.stringContaining("signed out") });
    expect(storage.getItem(RELAY_SESSION_KEY)).toBeNull();
  });

  it("says linking failed for forged init data and for a wrong code", async () => {
    const forged = runner({ initData: initDataFor("999:forged-token-forged-token-forged-token", testUser(2005)) });
    forged.start();
    await eventually(() => (forged.getSnapshot().link.kind === "failed" ? true : undefined), 5000, "failed");
    expect(forged.getSnapshot().link).toMatchObject({ message: expect.stringContaining("Linking failed (401)") });

    const typed = runner();
    typed.start();
    await typed.linkWithCode("ABCD-EFGH");
    expect(typed.getSnapshot().link).toMatchObject({ kind: "failed", message: expect.stringContaining("code") });
  });
});
