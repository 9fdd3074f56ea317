import { describe, expect, it } from "vitest";
import { formatForLog, REDACTED, redactSecrets, registerSecret } from "../../../lib/redact";

const TOKEN = "123456:TEST-fake_token_for_relay_tests_0123456789";

describe("redactSecrets", () => {
  it("removes bot tokens in Bot API URLs and bare", () => {
    const text = `request to http://127.0.0.1:9/bot${TOKEN}/getFile failed; file/bot${TOKEN}/voice/a.oga; token ${TOKEN}`;
    const redacted = redactSecrets(text);
    expect(redacted).not.toContain("TEST-fake_token");
    expect(redacted).toContain(`/bot${REDACTED}/getFile`);
  });

  it("removes bearer headers, session and lease tokens and secret fields", () => {
    const session = "q3Vd9xKpL0mZr7TfW2aY8bN4cE6gH1jS5uI0oP9lK2w";
    const lease = "Ab3dEf6hIj9kLm2nOp5qRs";
    const text = `Authorization: Bearer ${session} lease ${lease} {"token":"abc","initData":"user=1&hash=2"} ?token=xyz&x=1`;
    const redacted = redactSecrets(text);
    for (const secret of [session, lease, '"abc"', "user=1&hash=2", "xyz"]) expect(redacted).not.toContain(secret);
    expect(redacted).toContain("&x=1");
  });

  it("keeps ordinary identifiers and text", () => {
    const text = "job 3f2a1c9e-5b7d-4e2a-9c1b-0d8e7f6a5b4c for user 42 at relay:sessions:user:42";
    expect(redactSecrets(text)).toBe(text);
  });

  it("removes registered secrets whatever their format", () => {
    registerSecret("my-webhook-secret-value");
    expect(redactSecrets("header my-webhook-secret-value seen")).toBe(`header ${REDACTED} seen`);
  });
});

describe("formatForLog", () => {
  it("redacts the message, stack and every nested cause, including grammY's `error` field", () => {
    const inner = new Error(`request to https://api.telegram.org/bot${TOKEN}/getUpdates failed, reason: ECONNREFUSED`);
    const middle = Object.assign(new Error("Network request for 'getUpdates' failed!"), { error: inner });
    const outer = new Error(`outer ${TOKEN}`, { cause: middle });
    const text = formatForLog(outer);
    expect(text).not.toContain(TOKEN);
    expect(text).toContain("caused by: Error: Network request");
    expect(text).toContain("ECONNREFUSED");
  });

  it("formats plain values as redacted JSON", () => {
    expect(formatForLog({ token: "secret-session" })).toBe(`{"token":"${REDACTED}"}`);
    expect(formatForLog("plain")).toBe("plain");
  });
});
