import { GrammyError } from "grammy";
import type { BusinessConnection } from "grammy/types";
import { describe, expect, it } from "vitest";
import { BusinessConnections, toBusinessLink } from "../../../../relay/telegram/business-connections";

const connection = (enabled = true): BusinessConnection => ({
  id: "bc1",
  user: { id: 5, is_bot: false, first_name: "A", language_code: "de" },
  user_chat_id: 55,
  date: 0,
  is_enabled: enabled,
  rights: { can_reply: true },
});

describe("business connections", () => {
  it("maps Telegram's connection to the user, their chat with the bot, language and rights", () => {
    expect(toBusinessLink(connection())).toEqual({ id: "bc1", userId: 5, userChatId: 55, languageCode: "de", enabled: true, canReply: true });
    expect(toBusinessLink({ ...connection(false), rights: {} })).toMatchObject({ enabled: false, canReply: false });
  });

  it("asks Telegram once, keeps the answer, and lets an update replace it", async () => {
    const connections = new BusinessConnections();
    let asked = 0;
    const fetch = async () => {
      asked += 1;
      return connection();
    };
    expect((await connections.get("bc1", fetch))?.enabled).toBe(true);
    await connections.get("bc1", fetch);
    expect(asked).toBe(1);
    connections.remember(toBusinessLink(connection(false)));
    expect((await connections.get("bc1", fetch))?.enabled).toBe(false);
    expect(connections.peek("other")).toBeNull();
  });

  it("answers null for a connection Telegram does not know, and lets other failures through", async () => {
    const connections = new BusinessConnections();
    const unknown = new GrammyError("Call to 'getBusinessConnection' failed!", { ok: false, error_code: 400, description: "Bad Request: BUSINESS_CONNECTION_INVALID" }, "getBusinessConnection", {});
    expect(await connections.get("x", () => Promise.reject(unknown))).toBeNull();
    await expect(connections.get("y", () => Promise.reject(new Error("network down")))).rejects.toThrow("network down");
  });
});
