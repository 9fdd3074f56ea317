import type { User } from "grammy/types";
import { describe, expect, it } from "vitest";
import { texts } from "../../../../relay/texts";
import { FAKE_BOT_INFO } from "../../../support/fake-bot-api";
import { finishedJob, message, nextUpdateId, update, user, voice, type UserChat, useBotHarness } from "./bot-harness";

describe("the bot's buttons", () => {
  const alice = user(42);
  const aliceChat: UserChat = { id: 42, type: "private", first_name: "U42" };
  const h = useBotHarness();

  describe("after a transcript", () => {
  it("the SRT button sends the document and answers the callback", async () => {
      const { job } = await finishedJob(h, alice, aliceChat);
      await h.bot.handleUpdate({
        update_id: nextUpdateId(),
        callback_query: { id: "cb1", from: alice, chat_instance: "c", data: `srt:${job.id}`, message: message(user(FAKE_BOT_INFO.id), aliceChat, { text: "hello there" }) },
      });
      expect(h.sent("answerCallbackQuery")).toHaveLength(1);
      expect(h.sent("sendDocument")).toHaveLength(1);
    });
  });

  it("Retry requeues a failed job for its owner only", async () => {
    await h.bot.handleUpdate(update(voice(alice, aliceChat)));
    const job = (await h.store.listOpenJobs(alice.id))[0];
    if (job === undefined) throw new Error("no job");
    const claim = await h.jobs.claim({ userId: alice.id, sessionId: "s1" }, job.id);
    await h.jobs.finish({ userId: alice.id, sessionId: "s1" }, job.id, claim.lease, { kind: "failed", message: "out of memory" });
    expect(h.sent("editMessageText").at(-1)?.payload.text).toBe(texts.failed("out of memory"));
    const press = (from: User) =>
      h.bot.handleUpdate(((updateId) => ({
        update_id: updateId,
        callback_query: { id: `cb${updateId}`, from, chat_instance: "c", data: `retry:${job.id}`, message: message(user(FAKE_BOT_INFO.id), aliceChat, { text: "x" }) },
      }))(nextUpdateId()));
    await press(user(99));
    expect(h.sent("answerCallbackQuery").at(-1)?.payload.text).toBe(texts.notYours);
    await press(alice);
    expect(h.sent("answerCallbackQuery").at(-1)?.payload.text).toBe(texts.requeued);
    expect((await h.store.getJob(job.id))?.state).toBe("pending");
  });
});
