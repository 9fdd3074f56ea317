import { describe, expect, it } from "vitest";
import { FAILURE_KINDS, insteadOfRetry, retryHelps, type FailureKind } from "../../../../lib/relay/failure-kinds";
import { outcomeMessages } from "../../../../relay/jobs/job-messages";
import type { ChatButton } from "../../../../relay/ports/chat-gateway";
import type { JobRecord } from "../../../../relay/ports/relay-store";
import { texts } from "../../../../relay/texts";
import { stored } from "./stored-job";

const app: ChatButton = { kind: "web_app", text: texts.openApp, url: "https://app.example.org" };
const retry: ChatButton = { kind: "callback", text: texts.retry, data: "retry:j1" };

function failed(failureKind: FailureKind | null): JobRecord {
  return stored({ state: "failed", failureMessage: "it went wrong", failureKind });
}

describe("outcomeMessages", () => {
  it.each(["not-audio", "empty", "too-large"] satisfies FailureKind[])("a %s failure has no Retry and says what to do instead", (kind) => {
    const [message, ...rest] = outcomeMessages(failed(kind), app, 600);
    expect(rest).toEqual([]);
    expect(message?.buttons).toBeUndefined();
    expect(message?.text).toBe(`${texts.failed("it went wrong")}\n\n${insteadOfRetry(kind) ?? ""}`);
  });

  it.each(["memory", "other"] satisfies FailureKind[])("a %s failure has Retry", (kind) => {
    expect(outcomeMessages(failed(kind), app, 600)).toEqual([{ text: texts.failed("it went wrong"), buttons: [[retry]] }]);
  });

  it("a failure of no known kind (an older app) keeps Retry", () => {
    expect(outcomeMessages(failed(null), app, 600)[0]?.buttons).toEqual([[retry]]);
  });

  it("an expired job has the app button and Retry", () => {
    expect(outcomeMessages(stored({ state: "expired" }), app, 600)).toEqual([{ text: texts.expired(600), buttons: [[app, retry]] }]);
    expect(outcomeMessages(stored({ state: "expired" }), null, 600)).toEqual([{ text: texts.expired(600), buttons: [[retry]] }]);
  });

  it("offers Retry for exactly the failure kinds of the shared table", () => {
    for (const kind of FAILURE_KINDS) {
      const buttons = outcomeMessages(failed(kind), null, 600)[0]?.buttons;
      expect(buttons !== undefined, kind).toBe(retryHelps(kind));
    }
  });
});
