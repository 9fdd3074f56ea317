/**
 * The runner's hold on the event stream, against a real relay over sockets: what it hands its host
 * when the stream opens, when a voice message arrives, and when the token is revoked.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RelayClient } from "../../../../lib/relay/client";
import type { InboxAction } from "../../../../lib/telegram/inbox";
import { JobStream, type JobStreamHost } from "../../../../lib/telegram/job-stream";
import { testUser } from "../../../support/fake-bot-api";
import { eventually, startHarness, type Harness } from "../../relay/harness";

/** A host that records what the stream told it; `current` is the client it answers with. */
function recordingHost(current: RelayClient | null): JobStreamHost & { actions: InboxAction[]; connected: boolean[]; changes: number; revoked: number } {
  const host = {
    actions: [] as InboxAction[],
    connected: [] as boolean[],
    changes: 0,
    revoked: 0,
    client: () => current,
    setConnected: (connected: boolean) => host.connected.push(connected),
    dispatch: (action: InboxAction) => host.actions.push(action),
    jobsChanged: () => {
      host.changes += 1;
    },
    unauthorized: () => {
      host.revoked += 1;
    },
  };
  return host;
}

describe("JobStream against a relay", () => {
  let h: Harness;
  const streams: JobStream[] = [];

  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    for (const stream of streams.splice(0)) stream.close();
    await h.close();
  });

  function open(host: JobStreamHost): JobStream {
    const stream = new JobStream(host, { initialRetryMs: 50, maxRetryMs: 200 });
    streams.push(stream);
    stream.open();
    return stream;
  }

  it("lists the jobs when it opens, passes job events on, and reports a revoked token", async () => {
    const ed = testUser(2006, "Ed");
    const client = await h.clientFor(ed);
    // The stream's own client, on the same session: signing out with the other ends it.
    const host = recordingHost(new RelayClient({ baseUrl: h.relay.url, token: client.token }));
    open(host);
    await eventually(() => (host.actions.some((action) => action.type === "listed") ? true : undefined), 5000, "listed");
    expect(host.connected).toEqual([true]);
    expect(host.changes).toBe(1);

    h.api.sendVoice({ from: ed, size: 1024 });
    const event = await eventually(() => host.actions.find((action) => action.type === "job"), 5000, "job event");
    expect(event).toMatchObject({ job: { state: "pending" } });
    expect(host.changes).toBeGreaterThanOrEqual(2);

    await client.signOut();
    await eventually(() => (host.revoked > 0 ? true : undefined), 5000, "unauthorized");
  });

  it("opens nothing while the host has no client", async () => {
    const host = recordingHost(null);
    open(host);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(host.actions).toEqual([]);
    expect(host.connected).toEqual([]);
  });
});
