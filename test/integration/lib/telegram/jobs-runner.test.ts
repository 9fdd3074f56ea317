/**
 * The page's Telegram runner against a real relay over sockets (the harness's in-process relay and
 * stand-in Bot API), with a scripted transcriber in place of Whisper: linking, resuming, signing out.
 */
import { describe, expect, it } from "vitest";
import { initDataFor, testUser } from "../../../support/fake-bot-api";
import { eventually } from "../../relay/harness";
import type { FetchLike } from "../../../../lib/relay/client";
import { createMemoryStorage } from "../../../../lib/storage";
import { FINAL_FAILURES, type FinishedJob } from "../../../../lib/telegram/job-run";
import { retryAction } from "../../../../lib/telegram/inbox";
import { texts } from "../../../../relay/texts";
import { RELAY_SESSION_KEY, serializeSession } from "../../../../lib/telegram/relay-link";
import { done, scripted, useRunnerHarness } from "./runner-fixtures";
import { uploadExport } from "../../../../lib/relay/export-upload";

describe("TelegramJobsRunner against a relay", () => {
  const { h, runner } = useRunnerHarness();

  it("links from init data, transcribes a voice message automatically and posts it once", async () => {
    const ada = testUser(2001, "Ada");
    const storage = createMemoryStorage();
    const finished: FinishedJob[] = [];
    const jobs = runner({ initData: initDataFor(h().api.token, ada), storage, onFinished: (f) => finished.push(f) });
    const transcriber = scripted([done("hello from the runner")]);
    jobs.setTranscriber(transcriber);
    jobs.start();
    await eventually(() => (jobs.getSnapshot().connected ? true : undefined), 5000, "linked and connected");
    expect(jobs.getSnapshot().link).toMatchObject({ kind: "linked", user: { id: ada.id, firstName: "Ada" } });
    expect(storage.getItem(RELAY_SESSION_KEY)).toContain(h().relay.url);

    const voice = h().api.sendVoice({ from: ada, size: 5000, duration: 4 });
    const edit = await h().api.waitForCall("editMessageText", (call) => call.params.text === "hello from the runner", 10_000);
    expect(edit.params.message_id).not.toBe(voice.message_id);
    expect(transcriber.files).toHaveLength(1);
    expect(transcriber.files[0]?.type).toBe("audio/ogg");
    expect(transcriber.files[0]?.size).toBe(5000);
    await eventually(() => (finished.length === 1 ? true : undefined), 5000, "onFinished");
    expect(finished[0]?.outcome.result.text).toBe("hello from the runner");
    const entry = jobs.getSnapshot().inbox.entries[0];
    expect(entry?.local).toEqual({ kind: "sent", text: "hello from the runner" });
    expect(h().api.callsTo("editMessageText")).toHaveLength(1);
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
    const client = await h().clientFor(di);
    const user = (await client.getSession()).user;
    const storage = createMemoryStorage();
    storage.setItem(RELAY_SESSION_KEY, serializeSession({ token: client.token ?? "", user, baseUrl: h().relay.url }));
    const resumed = runner({ storage });
    resumed.start();
    expect(resumed.getSnapshot().link).toMatchObject({ kind: "linked", user: { id: di.id } });
    await eventually(() => (resumed.getSnapshot().connected ? true : undefined), 5000, "connected");

    await client.signOut();
    await eventually(() => (resumed.getSnapshot().link.kind === "idle" ? true : undefined), 5000, "signed out");
    expect(resumed.getSnapshot().link).toMatchObject({ notice: expect.stringContaining("signed out") });
    expect(storage.getItem(RELAY_SESSION_KEY)).toBeNull();
  });

  it("hands its linked session to exports for Telegram, and none before linking or after signing out", async () => {
    const eve = testUser(2010, "Eve");
    const jobs = runner({ initData: initDataFor(h().api.token, eve) });
    expect(jobs.exportUploader()).toBeNull();
    jobs.start();
    await eventually(() => (jobs.getSnapshot().link.kind === "linked" ? true : undefined), 5000, "linked");
    const uploader = jobs.exportUploader();
    expect(uploader?.baseUrl).toBe(h().relay.url);
    if (uploader === null) throw new Error("no uploader once linked");
    const uploaded = await uploadExport(uploader, { fileName: "eve.txt", format: "txt", mimeType: "text/plain;charset=utf-8", text: "hello Eve" });
    expect(await (await fetch(uploaded.url)).text()).toBe("hello Eve");
    await jobs.unlink();
    expect(jobs.exportUploader()).toBeNull();
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

  it("retries from the inbox a job that ran out of memory: the chat's status changes as for its own Retry, and it is transcribed", async () => {
    const di = testUser(2006, "Di");
    const jobs = runner({ initData: initDataFor(h().api.token, di) });
    jobs.setTranscriber(scripted([{ kind: "failed", message: "out of memory", reason: "memory" }, done("second try")]));
    jobs.start();
    await eventually(() => (jobs.getSnapshot().connected ? true : undefined), 5000, "connected");

    h().api.sendVoice({ from: di, size: 2048 });
    const edit = await h().api.waitForCall("editMessageText", (call) => call.params.text === texts.failed(FINAL_FAILURES.memory), 10_000);
    expect(JSON.stringify(edit.params.reply_markup)).toContain(texts.retry);
    const entry = await eventually(() => {
      const first = jobs.getSnapshot().inbox.entries[0];
      return first?.job.state === "failed" && first.local.kind === "failed" ? first : undefined;
    }, 5000, "failed in the inbox");
    expect(retryAction(entry)).toBe("relay");
    jobs.retryJob(entry.job.id);
    await h().api.waitForCall("editMessageText", (call) => call.params.text === "second try", 10_000);
    const shown = h().api.callsTo("editMessageText").map((call) => call.params.text);
    // As for the chat's Retry: this user's device is online, so the status says it is being transcribed.
    expect(shown.slice(shown.indexOf(texts.failed(FINAL_FAILURES.memory)) + 1)).toEqual([texts.statusWorking, "second try"]);
  });
});
