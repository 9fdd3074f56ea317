/**
 * The bot speaks the user's language over real sockets: a Russian user (Telegram language_code
 * "ru") gets Russian answers, status messages and buttons, kept with the job until its outcome;
 * the transcription language stays the chat's /lang hint, whatever the bot speaks.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { User } from "grammy/types";
import type { JobSummary } from "../../../../lib/relay/protocol";
import { textsFor } from "../../../../relay/i18n/bot-texts";
import { testUser } from "../../../support/fake-bot-api";
import { eventually, startHarness, type Harness } from "../harness";

const ru = textsFor("ru");

function russian(id: number): User {
  return { ...testUser(id, "Иван"), language_code: "ru" };
}

describe("bot texts in the user's language", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it("answers a Russian user's commands in Russian, and sets the command menu per language", async () => {
    const ivan = russian(6001);
    h.api.sendText({ from: ivan }, "/help");
    const help = await h.api.waitForCall("sendMessage", (call) => call.params.chat_id === ivan.id);
    expect(help.params.text).toBe(ru.help);
    h.api.sendText({ from: ivan }, "/start");
    const start = await h.api.waitForCall("sendMessage", (call) => call.params.chat_id === ivan.id && call.params.text === ru.start);
    expect(JSON.stringify(start.params.reply_markup)).toContain("Открыть приложение");
    const menus = await eventually(() => {
      const calls = h.api.callsTo("setMyCommands");
      return calls.length >= 4 ? calls : undefined;
    }, 5000, "command menus");
    const russianMenu = menus.find((call) => call.params.language_code === "ru");
    expect(JSON.stringify(russianMenu?.params.commands)).toContain(ru.command("link"));
    expect(menus.find((call) => call.params.language_code === undefined)).toBeDefined();
  });

  it("tells a Russian user about their voice message in Russian, from waiting to the transcript's button and a failure's Retry", async () => {
    const ivan = russian(6002);
    const voice = h.api.sendVoice({ from: ivan });
    const status = await h.api.waitForCall("sendMessage", (call) => call.params.chat_id === ivan.id);
    expect(status.params.text).toBe(ru.statusWaiting(86_400));
    expect(JSON.stringify(status.params.reply_markup)).toContain(ru.openApp);

    const client = await h.clientFor(ivan);
    const [job] = await client.listJobs();
    if (job === undefined) throw new Error("no job");
    const claim = await client.claim(job.id);
    expect(h.api.messageText(ivan.id, Number(await statusIdOf(voice.message_id)))).toBe(ru.statusWorking);
    await client.postResult(job.id, claim.lease, { text: "привет мир", segments: [{ start: 0, end: 1, text: "привет мир" }], language: "ru" });
    const done = await h.api.waitForCall("editMessageText", (call) => call.params.text === "привет мир");
    expect(JSON.stringify(done.params.reply_markup)).toContain(ru.srtButton);

    const second = h.api.sendVoice({ from: ivan });
    const next = await eventually(async () => (await client.listJobs()).find((candidate: JobSummary) => candidate.id !== job.id), 5000, "second job");
    const secondClaim = await client.claim(next.id);
    await client.postFailure(next.id, secondClaim.lease, "нет памяти");
    const failed = await h.api.waitForCall("editMessageText", (call) => call.params.text === ru.failed("нет памяти"));
    expect(JSON.stringify(failed.params.reply_markup)).toContain(ru.retry);
    expect(second.message_id).toBeGreaterThan(voice.message_id);
  });

  it("keeps the transcription language separate: /lang en from a Russian user answers in Russian and hints English to Whisper", async () => {
    const ivan = russian(6003);
    h.api.sendText({ from: ivan }, "/lang en");
    await h.api.waitForCall("sendMessage", (call) => call.params.text === ru.langSet("en"));
    const client = await h.clientFor(ivan);
    const jobs: JobSummary[] = [];
    const subscription = client.subscribe({ onJob: (job) => jobs.push(job), onJobGone: () => undefined });
    await eventually(() => (h.relay.hub.isOnline(ivan.id) ? true : undefined), 5000, "stream open");
    h.api.sendVoice({ from: ivan });
    const job = await eventually(() => jobs.find((candidate) => candidate.state === "pending"), 5000, "job event");
    expect(job.languageHint).toBe("en");
    await h.api.waitForCall("sendMessage", (call) => call.params.text === ru.statusWorking);
    subscription.close();
  });

  async function statusIdOf(voiceId: number): Promise<number | null> {
    const stored = await h.relay.store.findJobByMessage(6002, voiceId);
    return stored?.statusMessageId ?? null;
  }
});
