import { BotError, type Bot } from "grammy";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openSqliteStore, type SqliteStore } from "../../../../relay/sqlite/sqlite-store";
import { createBotHarness, update, user, voice, type UserChat } from "./bot-harness";

describe("the bot", () => {
  const alice = user(42);
  const aliceChat: UserChat = { id: 42, type: "private", first_name: "U42" };
  let store: SqliteStore;
  let bot: Bot;

  beforeEach(() => {
    ({ store, bot } = createBotHarness(new Set()));
  });
  afterEach(async () => {
    await store.close();
  });

  it("wraps handler errors in BotError for the installed bot.catch handler, which does not rethrow", async () => {
    await store.close();
    const failure = await bot.handleUpdate(update(voice(alice, aliceChat))).then(
      () => null,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(BotError);
    if (failure instanceof BotError) expect(() => bot.errorHandler(failure)).not.toThrow();
    store = openSqliteStore(":memory:");
  });
});
