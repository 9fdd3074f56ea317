import { describe, expect, it } from "vitest";
import { RelayClient } from "../../../../lib/relay/client";
import { reportProgress, type ProgressSource } from "../../../../lib/telegram/job-progress";

/** A transcriber's text so far, changed by the test. */
class Source implements ProgressSource {
  text: string | null = null;
  private readonly listeners = new Set<() => void>();

  partialText(): string | null {
    return this.text;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  set(text: string | null): void {
    this.text = text;
    for (const listener of this.listeners) listener();
  }

  get subscribed(): number {
    return this.listeners.size;
  }
}

function relay(answer: (text: string) => Response) {
  const posts: Array<{ path: string; text: string }> = [];
  const client = new RelayClient({
    baseUrl: "http://relay.test",
    token: "t",
    fetch: async (url, init) => {
      const body: unknown = JSON.parse(String(init?.body ?? "{}"));
      const text = typeof body === "object" && body !== null && "text" in body ? String(body.text) : "";
      posts.push({ path: new URL(url).pathname, text });
      return answer(text);
    },
  });
  return { client, posts };
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("reportProgress", () => {
  it("posts the text so far at most once per interval, newest text only, and nothing unchanged or empty", async () => {
    const { client, posts } = relay(() => json(200, { accepted: true }));
    const source = new Source();
    const reporter = reportProgress(client, "j1", "lease", source, { intervalMs: 80 });
    source.set("");
    source.set("one");
    await sleep(10);
    source.set("one two");
    source.set("one two three");
    await sleep(120);
    source.set("one two three");
    await sleep(120);
    reporter.stop();
    expect(posts).toEqual([
      { path: "/api/jobs/j1/progress", text: "one" },
      { path: "/api/jobs/j1/progress", text: "one two three" },
    ]);
  });

  it("stops for good when the relay refuses (409) or says the chat cannot show it", async () => {
    for (const answer of [json(409, { error: { code: "conflict", message: "gone" } }), json(200, { accepted: false })]) {
      const { client, posts } = relay(() => answer.clone());
      const source = new Source();
      reportProgress(client, "j2", "lease", source, { intervalMs: 10 });
      source.set("a");
      await sleep(30);
      source.set("a b");
      await sleep(30);
      expect(posts).toHaveLength(1);
      expect(source.subscribed).toBe(0);
    }
  });

  it("tries the newest text again after a network error, and stop() ends it", async () => {
    let fail = true;
    const { client, posts } = relay(() => {
      if (fail) {
        fail = false;
        throw new TypeError("offline");
      }
      return json(200, { accepted: true });
    });
    const source = new Source();
    const reporter = reportProgress(client, "j3", "lease", source, { intervalMs: 10 });
    source.set("x");
    await sleep(30);
    source.set("x y");
    await sleep(30);
    reporter.stop();
    source.set("x y z");
    await sleep(30);
    expect(posts.map((post) => post.text)).toEqual(["x", "x", "x y"]);
  });
});
