import { describe, expect, it } from "vitest";
import { JobReactions } from "../../../../relay/jobs/job-reactions";
import { ChatRateLimitError, type ReactOutcome, type ReactionStage } from "../../../../relay/ports/chat-gateway";
import { FakeGateway } from "./fake-gateway";

class ReactingGateway extends FakeGateway {
  readonly reactions: Array<{ chatId: number; messageId: number; stage: ReactionStage }> = [];
  answer: (chatId: number) => ReactOutcome | Error = () => "set";

  async react(chatId: number, messageId: number, stage: ReactionStage): Promise<ReactOutcome> {
    this.reactions.push({ chatId, messageId, stage });
    const outcome = this.answer(chatId);
    if (outcome instanceof Error) throw outcome;
    return outcome;
  }
}

const job = (chatId: number) => ({ id: `j${chatId}`, chatId, sourceMessageId: 5 });

describe("JobReactions", () => {
  it("reacts on the voice message with each stage", async () => {
    const gateway = new ReactingGateway();
    const reactions = new JobReactions(gateway);
    await reactions.show(job(7), "queued");
    await reactions.show(job(7), "working");
    await reactions.show(job(7), "done");
    expect(gateway.reactions).toEqual([
      { chatId: 7, messageId: 5, stage: "queued" },
      { chatId: 7, messageId: 5, stage: "working" },
      { chatId: 7, messageId: 5, stage: "done" },
    ]);
  });

  it("remembers a chat that does not allow reactions and never asks it again", async () => {
    const gateway = new ReactingGateway();
    gateway.answer = (chatId) => (chatId === -9 ? "not-allowed" : "set");
    const reactions = new JobReactions(gateway);
    await reactions.show(job(-9), "queued");
    await reactions.show(job(-9), "working");
    await reactions.show(job(8), "queued");
    expect(reactions.refuses(-9)).toBe(true);
    expect(gateway.reactions.map((entry) => entry.chatId)).toEqual([-9, 8]);
  });

  it("never throws: a 429 or a network error is logged and the next stage tries again", async () => {
    const gateway = new ReactingGateway();
    gateway.answer = () => new ChatRateLimitError(3);
    const reactions = new JobReactions(gateway);
    await expect(reactions.show(job(7), "queued")).resolves.toBeUndefined();
    gateway.answer = () => new Error("socket hang up");
    await expect(reactions.show(job(7), "working")).resolves.toBeUndefined();
    expect(reactions.refuses(7)).toBe(false);
    expect(gateway.reactions).toHaveLength(2);
  });

  it("does nothing with a gateway that has no reactions", async () => {
    await expect(new JobReactions(new FakeGateway()).show(job(7), "done")).resolves.toBeUndefined();
  });
});
