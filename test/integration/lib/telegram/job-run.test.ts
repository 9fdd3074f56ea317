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
import { scripted, useRunnerHarness } from "./runner-fixtures";

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
});
