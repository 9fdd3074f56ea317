/**
 * The path a user who configures nothing takes: models from the Hub, in the Hub's unslimmed layout.
 * A local stand-in Hub (test/support/hub-stand-in.ts) serves test/fixtures/models-hub/whisper-tiny
 * at the Hub's URLs, with its redirects, ranges and CORS, and the app is pointed at it the way a
 * user points it at a mirror (`HF_ENDPOINT`); no model is forced. The decoder that ran must be the
 * slimmed one: the bytes transformers.js stored in Cache Storage (and loaded) are the TypeScript
 * slimmer's rewrite of what the Hub served, and the transcript is the slimmed fixture's, word for word.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "@playwright/test";
import { slimDecoder } from "../../lib/model/slim-decoder";
import { startHubStandIn, type HubStandIn } from "../support/hub-stand-in";
import { startAppServer, type AppServer } from "./app-server";
import { emulateMemory } from "./device-emulation";
import { expect, test, transcribeClip } from "./fixtures";

const HUB_FIXTURE = join(__dirname, "..", "fixtures", "models-hub", "whisper-tiny");
const REPO = "onnx-community/whisper-tiny";
const DECODER = "onnx/decoder_model_merged_quantized.onnx";

const sha256 = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex");

interface StoredDecoder {
  readonly sha256: string;
  readonly bytes: number;
  readonly slimmedHeader: string | null;
}

/** The decoder transformers.js keeps in its Cache API cache, keyed by the URL it fetched it from. */
async function storedDecoder(page: Page, url: string): Promise<StoredDecoder | null> {
  return page.evaluate(async (key) => {
    const cache = await caches.open("transformers-cache");
    const response = await cache.match(key);
    if (response === undefined) return null;
    const body = await response.arrayBuffer();
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", body));
    return { sha256: Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join(""), bytes: body.byteLength, slimmedHeader: response.headers.get("x-whisper-slimmed") };
  }, url);
}

/** Opens `url` as a 4 GB, 8-core device (the plan: tiny on WASM, q8), transcribes speech.ogg and returns the transcript. */
async function transcribe(page: Page, url: string): Promise<string> {
  await page.goto(`${url}/`);
  await expect(page.getByTestId("model-info")).toHaveText(/^Whisper tiny · WASM · q8\./);
  await transcribeClip(page, "speech.ogg");
  await expect(page.getByTestId("status")).toHaveText(/^Done/);
  return (await page.getByTestId("transcript").textContent()) ?? "";
}

test.describe("models from the Hub, unslimmed there, with the default settings", () => {
  let hub: HubStandIn | null = null;
  let app: AppServer | null = null;
  test.beforeAll(async () => {
    test.setTimeout(120_000);
    hub = await startHubStandIn({ [REPO]: HUB_FIXTURE });
    app = await startAppServer({ HF_ENDPOINT: hub.url });
  });
  test.afterAll(async () => {
    app?.stop();
    await hub?.close();
  });

  test("the decoder is slimmed as it is downloaded, cached slimmed, and transcribes as the slimmed fixture does", async ({ page, browser }) => {
    test.setTimeout(240_000);
    const hubUrl = hub?.url ?? "";
    const served = new Uint8Array(readFileSync(join(HUB_FIXTURE, DECODER)));
    const expected = slimDecoder(served);
    expect(expected.outcome.kind, "the Hub fixture is unslimmed").toBe("slimmed");

    await emulateMemory(page, 4);
    const fromHub = await transcribe(page, app?.url ?? "");
    expect(fromHub.trim()).not.toBe("");

    const decoderUrl = `${hubUrl}/${REPO}/resolve/main/${DECODER}`;
    const stored = await storedDecoder(page, decoderUrl);
    expect(stored, "transformers.js stored the decoder it loaded").not.toBeNull();
    expect(stored?.slimmedHeader).toBe("slimmed");
    expect(stored?.sha256, "what was stored is the rewrite of what the Hub served").toBe(sha256(expected.bytes));
    expect(stored?.sha256).not.toBe(sha256(served));
    expect(stored?.bytes).toBe(expected.bytes.byteLength);

    // The Hub's path for the decoder: its URL, then the redirect to the content address, read whole once.
    const decoderPath = `/${REPO}/resolve/main/${DECODER}`;
    const fullReads = (): number => (hub?.requests ?? []).filter((request) => request.path === decoderPath && request.range === null).length;
    expect(fullReads()).toBe(1);
    expect(hub?.requests.some((request) => request.path.startsWith("/xet-bridge/") && request.status === 200)).toBe(true);

    // A later visit loads the stored (slimmed) decoder: nothing is downloaded again, same text.
    expect(await transcribe(page, app?.url ?? "")).toBe(fromHub);
    expect(fullReads()).toBe(1);

    // The same model, slimmed by scripts/slim-decoder.py and self-hosted (the config's web server).
    const context = await browser.newContext();
    const selfHosted = await context.newPage();
    await emulateMemory(selfHosted, 4);
    expect(await transcribe(selfHosted, test.info().project.use.baseURL ?? "")).toBe(fromHub);
    await context.close();
  });
});
