/**
 * One Telegram job run to its end, through the runner against a real relay over sockets, with a
 * scripted transcriber.
 */
import { describe, expect, it } from "vitest";
import { initDataFor, testUser } from "../../../support/fake-bot-api";
import { eventually } from "../../relay/harness";
import { FINAL_FAILURES } from "../../../../lib/telegram/job-run";
import { entryStatusText, retryAction } from "../../../../lib/telegram/inbox";
import { insteadOfRetry } from "../../../../lib/relay/failure-kinds";
import { texts } from "../../../../relay/texts";
import { describeJobLanguage } from "../../../../lib/telegram/job-languages";
import type { JobRunOutcome } from "../../../../lib/telegram/job-run";
import { done, scripted, useRunnerHarness } from "./runner-fixtures";

describe("runJob (through TelegramJobsRunner) against a relay", () => {
  const { h, runner } = useRunnerHarness();

  it("posts a failure no device would overcome, so the chat says why and what to do instead, and the inbox shows the reason", async () => {
    const cy = testUser(2005, "Cy");
    const jobs = runner({ initData: initDataFor(h().api.token, cy) });
    jobs.setTranscriber(scripted([{ kind: "failed", message: "Could not decode", reason: "input" }]));
    jobs.start();
    await eventually(() => (jobs.getSnapshot().connected ? true : undefined), 5000, "connected");

    h().api.sendVoice({ from: cy, size: 2048 });
    const edit = await h().api.waitForCall("editMessageText", (call) => String(call.params.text).startsWith(texts.failed(FINAL_FAILURES.input)), 10_000);
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

  it("asks the transcriber to prefer the owner's Telegram language sent with the job, then the browser's, and shows which was used", async () => {
    // Linked while Telegram was in English; the voice comes after the user switched Telegram to Ukrainian.
    const olena = { ...testUser(2006, "Olena"), language_code: "en" };
    const jobs = runner({ initData: initDataFor(h().api.token, olena), browserLanguages: ["de-DE", "uk", "en-GB"] });
    const chosen: JobRunOutcome = { ...done("Добрий день"), languageChoice: { reason: "preferred", language: "uk", source: "telegram", detected: { language: "pl", probability: 0.41 } } };
    const transcriber = scripted([chosen]);
    jobs.setTranscriber(transcriber);
    jobs.start();
    await eventually(() => (jobs.getSnapshot().connected ? true : undefined), 5000, "connected");

    h().api.sendVoice({ from: { ...olena, language_code: "uk" } });
    await h().api.waitForCall("editMessageText", (call) => String(call.params.text).includes("Добрий день"), 10_000);
    expect(transcriber.asked).toEqual([
      {
        language: null,
        task: "transcribe",
        preferredLanguages: [
          { code: "uk", source: "telegram" },
          { code: "de", source: "browser" },
          { code: "en", source: "browser" },
        ],
      },
    ]);
    const entry = await eventually(() => {
      const first = jobs.getSnapshot().inbox.entries[0];
      return first?.local.kind === "sent" ? first : undefined;
    }, 5000, "sent in the inbox");
    expect(entry.job.ownerLanguageCode).toBe("uk");
    expect(entry.local.kind === "sent" ? describeJobLanguage(entry.job, entry.local.languageChoice) : null).toBe(
      "Ukrainian, from your Telegram language: detection was unsure (Polish, 41%).",
    );
  });

  it("keeps the chat's /lang forcing the language: no preferences are sent, and the inbox says where it came from", async () => {
    const dana = { ...testUser(2007, "Dana"), language_code: "uk" };
    h().api.sendText({ from: dana }, "/lang de");
    await h().api.waitForCall("sendMessage", (call) => call.params.text === texts.langSet("de"));
    const jobs = runner({ initData: initDataFor(h().api.token, dana), browserLanguages: ["fr"] });
    const transcriber = scripted([done("Guten Tag")]);
    jobs.setTranscriber(transcriber);
    jobs.start();
    await eventually(() => (jobs.getSnapshot().connected ? true : undefined), 5000, "connected");

    h().api.sendVoice({ from: dana });
    await h().api.waitForCall("editMessageText", (call) => String(call.params.text).includes("Guten Tag"), 10_000);
    expect(transcriber.asked).toEqual([{ language: "de", task: "transcribe" }]);
    const entry = await eventually(() => {
      const first = jobs.getSnapshot().inbox.entries[0];
      return first?.local.kind === "sent" ? first : undefined;
    }, 5000, "sent in the inbox");
    expect(entry.local.kind === "sent" ? describeJobLanguage(entry.job, entry.local.languageChoice) : null).toBe("German, set in the chat with /lang.");
  });
});
