import type { Bot } from "grammy";
import type { User } from "grammy/types";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { SessionHub } from "../../../../relay/events/session-hub";
import type { JobService } from "../../../../relay/jobs/job-service";
import type { SessionService } from "../../../../relay/sessions/session-service";
import { type SqliteStore } from "../../../../relay/sqlite/sqlite-store";
import { texts } from "../../../../relay/texts";
import { FAKE_BOT_INFO } from "../../../support/fake-bot-api";
import { createBotHarness, finishedJob, message, nextUpdateId, update, user, voice, type Call, type UserChat } from "./bot-harness";

describe("the bot's buttons", () => {
  const alice = user(42);
  const aliceChat: UserChat = { id: 42, type: "private", first_name: "U42" };
  let store: SqliteStore;
  let hub: SessionHub;
  let jobs: JobService;
  let sessions: SessionService;
  let bot: Bot;
  let calls: Call[];
  let uploads: string[];
  const admins = new Set<string>();

  beforeEach(() => {
    admins.clear();
    ({ store, hub, jobs, sessions, bot, calls, uploads } = createBotHarness(admins));
  });
  afterEach(async () => {
    await store.close();
  });

  const sent = (method = "sendMessage") => calls.filter((call) => call.method === method);

  describe("after a transcript", () => {
  it("the SRT button sends the document and answers the callback", async () => {
      const { job } = await finishedJob({ store, hub, jobs, sessions, bot, calls, uploads }, alice, aliceChat);
      await bot.handleUpdate({
        update_id: nextUpdateId(),
        callback_query: { id: "cb1", from: alice, chat_instance: "c", data: `srt:${job.id}`, message: message(user(FAKE_BOT_INFO.id), aliceChat, { text: "hello there" }) },
      });
      expect(sent("answerCallbackQuery")).toHaveLength(1);
      expect(sent("sendDocument")).toHaveLength(1);
    });
  });

  it("Retry requeues a failed job for its owner only", async () => {
    await bot.handleUpdate(update(voice(alice, aliceChat)));
    const job = (await store.listOpenJobs(alice.id))[0];
    if (job === undefined) throw new Error("no job");
    const claim = await jobs.claim({ userId: alice.id, sessionId: "s1" }, job.id);
    await jobs.finish({ userId: alice.id, sessionId: "s1" }, job.id, claim.lease, { kind: "failed", message: "out of memory" });
    expect(sent("editMessageText").at(-1)?.payload.text).toBe(texts.failed("out of memory"));
    const press = (from: User) =>
      bot.handleUpdate(((updateId) => ({
        update_id: updateId,
        callback_query: { id: `cb${updateId}`, from, chat_instance: "c", data: `retry:${job.id}`, message: message(user(FAKE_BOT_INFO.id), aliceChat, { text: "x" }) },
      }))(nextUpdateId()));
    await press(user(99));
    expect(sent("answerCallbackQuery").at(-1)?.payload.text).toBe(texts.notYours);
    await press(alice);
    expect(sent("answerCallbackQuery").at(-1)?.payload.text).toBe(texts.requeued);
    expect((await store.getJob(job.id))?.state).toBe("pending");
  });
});
