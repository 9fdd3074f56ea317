import { inspect } from "node:util";
import { afterEach, describe, expect, it, vi } from "vitest";
import { testUser } from "../../support/fake-bot-api";
import { eventually, startHarness, type Harness } from "./harness";

describe("no secret in anything the relay writes", () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.relay.close();
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  it("keeps the bot token out of logs and responses when every Bot API call fails", async () => {
    const written: string[] = [];
    vi.stubEnv("LOG_LEVEL", "debug");
    for (const level of ["debug", "info", "warn", "error"] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        // As the console prints them: errors with their stacks, fields and nested causes.
        written.push(args.map((arg) => (typeof arg === "string" ? arg : inspect(arg, { depth: 10 }))).join(" "));
      });
    }
    h = await startHarness();
    const alice = testUser(7001);
    const client = await h.clientFor(alice);
    const voice = h.api.sendVoice({ from: alice, size: 4096 });
    const harness = h;
    const job = await eventually(async () => {
      const stored = await harness.relay.store.findJobByMessage(alice.id, voice.message_id);
      return stored !== null && stored.state !== "new" ? stored : undefined;
    }, 5000, "job offered");
    // From here on every Bot API call fails at the network level, as undici/node-fetch report it:
    // with the full /bot<token>/… URL in the error message.
    await h.api.close();

    const responses: string[] = [];
    const claim = await client.claim(job.id);
    const audio = await h.http("GET", `/api/jobs/${job.id}/audio?lease=${claim.lease}`, { token: client.token ?? "" });
    responses.push(`${audio.status} ${JSON.stringify([...audio.headers])} ${await audio.text()}`);
    expect(audio.status).toBe(502);
    const result = await h.http("POST", `/api/jobs/${job.id}/result`, { token: client.token ?? "", body: { lease: claim.lease, text: "secret transcript words", segments: [], language: "en" } });
    responses.push(`${result.status} ${await result.text()}`);
    await new Promise((resolve) => setTimeout(resolve, 1500));

    const everything = [...written, ...responses].join("\n");
    expect(written.length).toBeGreaterThan(0);
    expect(everything).not.toContain(h.api.token);
    expect(everything).not.toContain(h.api.token.split(":")[1]);
    expect(everything).not.toContain(client.token ?? "never");
    expect(everything).not.toContain(claim.lease);
    expect(written.join("\n")).not.toContain("secret transcript words");
  });
});
