import { describe, expect, it } from "vitest";
import { subscribeToEvents } from "../../../../lib/relay/event-subscription";

/** An event stream that sends `text` and then stays open until its request is aborted. */
function openStream(text: string, signal: AbortSignal): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(text));
      signal.addEventListener("abort", () => controller.error(new DOMException("aborted", "AbortError")));
    },
  });
  return new Response(body, { status: 200, headers: { "content-type": "text/event-stream" } });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("subscribeToEvents", () => {
  it("reconnectNow drops a live connection and reconnects at once from the last event, without an error or backoff", async () => {
    const opened: Array<string | null> = [];
    const errors: unknown[] = [];
    const subscription = subscribeToEvents(
      async (lastEventId, signal) => {
        opened.push(lastEventId);
        return openStream(opened.length === 1 ? "id: 7\nevent: ping\ndata: {}\n\n" : "", signal);
      },
      { onJob: () => undefined, onJobGone: () => undefined, onError: (error) => errors.push(error) },
      { initialRetryMs: 60_000 },
    );
    await sleep(30);
    expect(opened).toEqual([null]);
    subscription.reconnectNow();
    await sleep(30);
    expect(opened).toEqual([null, "7"]);
    expect(errors).toEqual([]);
    subscription.close();
  });

  it("reconnectNow cuts a backoff short", async () => {
    let calls = 0;
    const subscription = subscribeToEvents(
      async (_lastEventId, signal) => {
        calls += 1;
        if (calls === 1) throw new TypeError("offline");
        return openStream("", signal);
      },
      { onJob: () => undefined, onJobGone: () => undefined },
      { initialRetryMs: 60_000 },
    );
    await sleep(30);
    expect(calls).toBe(1);
    subscription.reconnectNow();
    await sleep(30);
    expect(calls).toBe(2);
    subscription.close();
  });
});
