import { describe, expect, it } from "vitest";
import { RelayClient, type FetchLike } from "../../../../lib/relay/client";
import type { JobGoneData, JobSummary } from "../../../../lib/relay/protocol";
import { RelayClientError } from "../../../../lib/relay/client-error";

const job: JobSummary = {
  id: "j1",
  kind: "voice",
  duration: 3,
  mime: "audio/ogg",
  size: 10,
  fileName: null,
  languageHint: null,
  createdAt: "2024-01-01T00:00:00.000Z",
  expiresAt: "2024-01-02T00:00:00.000Z",
  state: "pending",
};

function streamResponse(text: string): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(text));
      controller.close();
    },
  });
  return new Response(body, { headers: { "content-type": "text/event-stream" } });
}

describe("RelayClient.subscribe", () => {
  it("delivers events and reconnects with Last-Event-ID", async () => {
    const requests: Array<{ url: string; lastEventId: string | null; auth: string | null }> = [];
    const fetch: FetchLike = async (url, init) => {
      const headers = new Headers(init?.headers);
      requests.push({ url, lastEventId: headers.get("last-event-id"), auth: headers.get("authorization") });
      if (requests.length === 1) return streamResponse(`retry: 5\n\nid: 4\nevent: job\ndata: ${JSON.stringify(job)}\n\n`);
      if (requests.length === 2) return streamResponse(`id: 5\nevent: job-gone\ndata: {"id":"j1","reason":"done"}\n\n`);
      return new Response(JSON.stringify({ error: { code: "unauthorized", message: "signed out" } }), { status: 401 });
    };
    const client = new RelayClient({ baseUrl: "http://relay.test/", token: "tok", fetch });
    const jobs: JobSummary[] = [];
    const gone: JobGoneData[] = [];
    let opens = 0;
    const stopped = new Promise<void>((resolve) => {
      client.subscribe(
        { onJob: (j) => jobs.push(j), onJobGone: (g) => gone.push(g), onOpen: () => (opens += 1), onUnauthorized: resolve },
        { initialRetryMs: 1 },
      );
    });
    await stopped;
    expect(jobs).toEqual([job]);
    expect(gone).toEqual([{ id: "j1", reason: "done" }]);
    expect(opens).toBe(2);
    expect(requests.map((r) => r.lastEventId)).toEqual([null, "4", "5"]);
    expect(requests[0]).toMatchObject({ url: "http://relay.test/api/events", auth: "Bearer tok" });
  });

  it("reports network errors and keeps retrying until closed", async () => {
    let attempts = 0;
    const fetch: FetchLike = async () => {
      attempts += 1;
      throw new TypeError("fetch failed");
    };
    const client = new RelayClient({ baseUrl: "http://relay.test", token: "tok", fetch });
    const errors: RelayClientError[] = [];
    const subscription = client.subscribe({ onJob: () => undefined, onJobGone: () => undefined, onError: (e) => errors.push(e) }, { initialRetryMs: 1, maxRetryMs: 2 });
    // Wait for a few retries (polling, not a fixed sleep: the machine may be busy).
    for (let waited = 0; attempts <= 2 && waited < 5_000; waited += 5) await new Promise((resolve) => setTimeout(resolve, 5));
    subscription.close();
    const seen = attempts;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(seen).toBeGreaterThan(2);
    expect(attempts).toBe(seen);
    expect(errors[0]).toMatchObject({ status: 0, apiCode: "network" });
  });
});

describe("RelayClient requests", () => {
  it("links, then sends the bearer token; turns error bodies into RelayClientError", async () => {
    const seen: Array<{ url: string; method: string; auth: string | null; body: string | null }> = [];
    const fetch: FetchLike = async (url, init) => {
      const headers = new Headers(init?.headers);
      seen.push({ url, method: init?.method ?? "GET", auth: headers.get("authorization"), body: typeof init?.body === "string" ? init.body : null });
      if (url.endsWith("/api/session/code")) {
        return Response.json({ token: "new-token", user: { id: 1, firstName: "A", lastName: null, username: null, languageCode: null } });
      }
      if (url.endsWith("/claim")) return Response.json({ error: { code: "conflict", message: "taken" } }, { status: 409 });
      return Response.json({ jobs: [job] });
    };
    const client = new RelayClient({ baseUrl: "http://relay.test", fetch });
    await expect(client.listJobs()).rejects.toMatchObject({ status: 401 });
    const session = await client.linkWithCode("ABCD-EFGH");
    expect(session.token).toBe("new-token");
    expect(client.token).toBe("new-token");
    expect(await client.listJobs()).toEqual([job]);
    await expect(client.claim("j 1")).rejects.toMatchObject({ status: 409, apiCode: "conflict", message: "taken" });
    expect(seen.map((s) => `${s.method} ${s.url} ${s.auth ?? "-"}`)).toEqual([
      "POST http://relay.test/api/session/code -",
      "GET http://relay.test/api/jobs Bearer new-token",
      "POST http://relay.test/api/jobs/j%201/claim Bearer new-token",
    ]);
    expect(seen[0]?.body).toBe('{"code":"ABCD-EFGH"}');
  });
});
