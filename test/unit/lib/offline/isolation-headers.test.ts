import { describe, expect, it } from "vitest";
import { hasIsolationHeaders, withIsolationHeaders } from "@/lib/offline/isolation-headers";

describe("withIsolationHeaders", () => {
  it("keeps a response that already has COOP/COEP, and adds them to one that lacks them", async () => {
    const isolated = new Response("ok", {
      headers: { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp", "Cross-Origin-Resource-Policy": "same-origin" },
    });
    expect(withIsolationHeaders(isolated)).toBe(isolated);

    const bare = new Response("<html>", { status: 200, headers: { "content-type": "text/html" } });
    const fixed = withIsolationHeaders(bare);
    expect(hasIsolationHeaders(fixed.headers)).toBe(true);
    expect(fixed.headers.get("content-type")).toBe("text/html");
    expect(await fixed.text()).toBe("<html>");
  });
});
