/**
 * When the Telegram runner takes a job (automatic mode, a busy page, the user's request), against a
 * real relay over sockets with a scripted transcriber.
 */
import { describe, expect, it } from "vitest";
import { initDataFor, testUser } from "../../../support/fake-bot-api";
import { eventually } from "../../relay/harness";
import { createMemoryStorage } from "../../../../lib/storage";
import { texts } from "../../../../relay/texts";
import { TELEGRAM_AUTO_KEY } from "../../../../lib/telegram/relay-link";
import { done, scripted, useRunnerHarness } from "./runner-fixtures";

describe("JobScheduler (through TelegramJobsRunner) against a relay", () => {
  const { h, runner } = useRunnerHarness();

  it("gives back a job cancelled or failed here, leaves it for the user, and takes it on request", async () => {
    const bo = testUser(2002, "Bo");
    const jobs = runner({ initData: initDataFor(h().api.token, bo) });
    const transcriber = scripted([{ kind: "cancelled" }, { kind: "failed", message: "out of memory" }, done("third time lucky")]);
    jobs.setTranscriber(transcriber);
    jobs.start();
    await eventually(() => (jobs.getSnapshot().connected ? true : undefined), 5000, "connected");

    h().api.sendVoice({ from: bo, size: 2048 });
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
    await h().api.waitForCall("editMessageText", (call) => call.params.text === "third time lucky", 10_000);
    // Each give-back told the chat the job waits for a device again; each claim that it is being transcribed.
    const waiting = texts.statusWaiting(86_400);
    expect(h().api.callsTo("editMessageText").map((call) => call.params.text)).toEqual([waiting, texts.statusWorking, waiting, texts.statusWorking, "third time lucky"]);
  });

  it("waits while the page is busy, and with automatic mode off until asked", async () => {
    const cy = testUser(2003, "Cy");
    const storage = createMemoryStorage();
    storage.setItem(TELEGRAM_AUTO_KEY, "off");
    const jobs = runner({ initData: initDataFor(h().api.token, cy), storage });
    const transcriber = scripted([done("one"), done("two")]);
    jobs.setTranscriber(transcriber);
    jobs.start();
    expect(jobs.getSnapshot().auto).toBe(false);
    await eventually(() => (jobs.getSnapshot().connected ? true : undefined), 5000, "connected");

    h().api.sendVoice({ from: cy, size: 1024 });
    await eventually(() => (jobs.getSnapshot().inbox.entries.length === 1 ? true : undefined), 5000, "job listed");
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(transcriber.files).toHaveLength(0);

    transcriber.setBusy(true);
    jobs.setAuto(true);
    expect(storage.getItem(TELEGRAM_AUTO_KEY)).toBe("on");
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(transcriber.files).toHaveLength(0);
    transcriber.setBusy(false);
    await h().api.waitForCall("editMessageText", (call) => call.params.text === "one", 10_000);
  });
});
