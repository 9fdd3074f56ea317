import { describe, expect, it } from "vitest";
import { ChatPacer } from "../../../../relay/telegram/chat-pacer";

describe("ChatPacer", () => {
  function pacer(): { pacer: ChatPacer; slept: number[]; clock: { now: number } } {
    const clock = { now: 0 };
    const slept: number[] = [];
    const created = new ChatPacer({
      now: () => clock.now,
      sleep: async (ms) => {
        slept.push(ms);
        clock.now += ms;
      },
    });
    return { pacer: created, slept, clock };
  }

  it("spaces messages to one private chat a second apart, and groups three seconds apart", async () => {
    const { pacer: paced, slept } = pacer();
    for (let i = 0; i < 3; i += 1) await paced.turn(7);
    expect(slept).toEqual([1000, 1000]);
    slept.length = 0;
    for (let i = 0; i < 3; i += 1) await paced.turn(-100);
    expect(slept).toEqual([3000, 3000]);
  });

  it("keeps chats independent, and holds a chat until a 429's retry_after has passed", async () => {
    const { pacer: paced, slept, clock } = pacer();
    await paced.turn(1);
    await paced.turn(2);
    expect(slept).toEqual([]);
    paced.holdUntil(1, clock.now + 5000);
    await paced.turn(1);
    expect(slept).toEqual([5000]);
  });
});
