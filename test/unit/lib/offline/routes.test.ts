import { describe, expect, it } from "vitest";
import { detachedCopy, isSkipWaitingMessage, pageCacheKey, pagesCacheName, routeFor, versionHash, type RouteRequest, type SwRoute } from "@/lib/offline/routes";

const ORIGIN = "http://127.0.0.1:3210";

function get(path: string, mode: RequestMode = "cors"): RouteRequest {
  return { url: path.startsWith("http") ? path : `${ORIGIN}${path}`, method: "GET", mode };
}

describe("routeFor", () => {
  it.each<[string, RouteRequest, SwRoute]>([
    ["the share target's POST", { url: `${ORIGIN}/share-target`, method: "POST", mode: "navigate" }, "share-target"],
    ["other POSTs", { url: `${ORIGIN}/api/anything`, method: "POST", mode: "cors" }, "network"],
    ["a page", get("/?share=x", "navigate"), "navigation"],
    ["static JS", get("/_next/static/chunks/abc.js"), "next-static"],
    ["Turbopack's unused WASM copy", get("/_next/static/media/ort.wasm"), "network"],
    ["the WebGPU ONNX Runtime build", get("/ort/ort-wasm-simd-threaded.asyncify.wasm"), "ort-runtime"],
    ["the manifest", get("/manifest.webmanifest"), "shell"],
    // Model files are stored by transformers.js; a second copy would double the space used.
    ["a self-hosted model file", get("/models/whisper-tiny/onnx/encoder_model_quantized.onnx"), "network"],
    ["a self-hosted model page load", get("/models/whisper-tiny/config.json", "navigate"), "network"],
    ["a Hub model file", get("https://huggingface.co/onnx-community/whisper-tiny/resolve/main/config.json"), "network"],
    ["the relay on another port", get("http://127.0.0.1:3211/events"), "network"],
  ])("%s → %s", (_name, request, route) => {
    expect(routeFor(request, ORIGIN)).toBe(route);
  });
});

describe("page cache", () => {
  it("keys pages by path without the query, per service worker version", () => {
    expect(pageCacheKey(`${ORIGIN}/?share=1234`)).toBe(`${ORIGIN}/`);
    expect(pagesCacheName(versionHash("[a]"))).not.toBe(pagesCacheName(versionHash("[b]")));
    expect(versionHash("same")).toBe(versionHash("same"));
  });

  it("recognises workbox-window's skip-waiting message only", () => {
    expect(isSkipWaitingMessage({ type: "SKIP_WAITING" })).toBe(true);
    expect(isSkipWaitingMessage({ type: "OTHER" })).toBe(false);
    expect(isSkipWaitingMessage("SKIP_WAITING")).toBe(false);
  });
});

describe("detachedCopy", () => {
  it("keeps status, headers and body, and drops the response's own URL", async () => {
    const copy = detachedCopy(new Response("worker code", { status: 200, headers: { "content-type": "text/javascript" } }));
    expect(copy.url).toBe("");
    expect(copy.headers.get("content-type")).toBe("text/javascript");
    expect(await copy.text()).toBe("worker code");
  });
});
