/**
 * The export routes over sockets, against the in-process relay: a linked session uploads a
 * transcript file (POST /api/exports), and the URL it gets back serves exactly those bytes as an
 * attachment, a few times, to anyone holding it (Telegram's client), until it is used up or expires.
 * Uploads need a real session, stay under the size cap (413 with a message the app can show) and
 * under the per-user count cap (429).
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RelayClientError } from "../../../../../lib/relay/client-error";
import { uploadExport, type ExportFile } from "../../../../../lib/relay/export-upload";
import { RELAY_PATHS } from "../../../../../lib/relay/protocol";
import { mimeTypeFor } from "../../../../../lib/transcript/formats";
import { EXPORT_LIMITS, tooLargeMessage } from "../../../../../relay/exports/export-service";
import { testUser } from "../../../../support/fake-bot-api";
import { startHarness, type Harness } from "../../harness";

const SRT = "1\n00:00:00,000 --> 00:00:02,000\nAsk not what your country can do — спросите 👋\n";

function srtFile(name = "voice «1».srt", text = SRT): ExportFile {
  return { fileName: name, format: "srt", mimeType: mimeTypeFor("srt"), text };
}

describe("POST /api/exports and GET /api/exports/:token", () => {
  let h: Harness;
  let clock: number;

  beforeEach(async () => {
    clock = Date.now();
    h = await startHarness({}, { now: () => clock });
  });
  afterEach(async () => {
    await h.close();
  });

  async function uploaderFor(id: number): Promise<{ baseUrl: string; token: string }> {
    const client = await h.clientFor(testUser(id));
    return { baseUrl: h.relay.url, token: client.token ?? "" };
  }

  it("serves the uploaded bytes as an attachment with a safe name, the right type and no caching, then 404 once used up", async () => {
    const uploaded = await uploadExport(await uploaderFor(3001), srtFile());
    expect(uploaded.url.startsWith(`${h.relay.url}/api/exports/`)).toBe(true);
    expect(uploaded.fileName).toBe("voice «1».srt");
    expect(Date.parse(uploaded.expiresAt) - clock).toBe(EXPORT_LIMITS.ttlSeconds * 1000);
    // The token is long and random, and is not what the store keeps.
    const token = uploaded.url.split("/").at(-1) ?? "";
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await h.relay.store.exports.findExport(token, clock)).toBeNull();

    // HEAD looks without using a download up.
    const head = await fetch(uploaded.url, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe(String(Buffer.byteLength(SRT)));

    for (let i = 0; i < EXPORT_LIMITS.downloads; i += 1) {
      const response = await fetch(uploaded.url);
      expect(response.status).toBe(200);
      expect(Buffer.from(await response.arrayBuffer()).equals(Buffer.from(SRT, "utf8"))).toBe(true);
      expect(response.headers.get("content-type")).toBe("application/x-subrip;charset=utf-8");
      expect(response.headers.get("content-disposition")).toBe(`attachment; filename="voice _1_.srt"; filename*=UTF-8''voice%20%C2%AB1%C2%BB.srt`);
      expect(response.headers.get("cache-control")).toBe("no-store");
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    }
    const gone = await fetch(uploaded.url);
    expect(gone.status).toBe(404);
    expect(await gone.json()).toEqual({ error: { code: "not_found", message: "this download has expired or was already used; save the file again from the app" } });
  });

  it("is gone (404) after its few minutes, downloaded or not", async () => {
    const uploaded = await uploadExport(await uploaderFor(3002), srtFile());
    clock += EXPORT_LIMITS.ttlSeconds * 1000 - 1;
    expect((await fetch(uploaded.url, { method: "HEAD" })).status).toBe(200);
    clock += 1;
    expect((await fetch(uploaded.url)).status).toBe(404);
    expect((await fetch(uploaded.url, { method: "HEAD" })).status).toBe(404);
  });

  it("needs a real session: none or a forged one is 401, and nothing is kept", async () => {
    const none = await h.http("POST", `${RELAY_PATHS.exports}?format=srt&name=x.srt`, { rawBody: SRT, headers: { "content-type": "text/plain" } });
    expect(none.status).toBe(401);
    await expect(uploadExport({ baseUrl: h.relay.url, token: "forged-session-token-0123456789abcdef" }, srtFile())).rejects.toMatchObject({ status: 401, apiCode: "unauthorized" });
    expect(await h.relay.store.exports.countUserExports(3003, clock)).toBe(0);
  });

  it("refuses an export over the size cap with 413 and a message the app can show as it is", async () => {
    const uploader = await uploaderFor(3004);
    const big = "a".repeat(EXPORT_LIMITS.maxBytes + 1);
    const error: unknown = await uploadExport(uploader, srtFile("big.srt", big)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RelayClientError);
    expect(error).toMatchObject({ status: 413, apiCode: "payload_too_large", message: tooLargeMessage() });
    expect(tooLargeMessage()).toContain("larger than 2 MB");
    // Exactly at the cap is fine.
    const atCap = await uploadExport(uploader, srtFile("cap.srt", "a".repeat(EXPORT_LIMITS.maxBytes)));
    expect((await fetch(atCap.url, { method: "HEAD" })).headers.get("content-length")).toBe(String(EXPORT_LIMITS.maxBytes));
  });

  it("caps the exports waiting per user (429) without touching other users, and checks what it is given", async () => {
    const uploader = await uploaderFor(3005);
    for (let i = 0; i < EXPORT_LIMITS.perUser; i += 1) await uploadExport(uploader, srtFile(`f${i}.srt`));
    await expect(uploadExport(uploader, srtFile())).rejects.toMatchObject({ status: 429, apiCode: "rate_limited" });
    await expect(uploadExport(await uploaderFor(3006), srtFile())).resolves.toMatchObject({ fileName: "voice «1».srt" });
    // Once they expire there is room again.
    clock += EXPORT_LIMITS.ttlSeconds * 1000;
    await expect(uploadExport(uploader, srtFile())).resolves.toMatchObject({ fileName: "voice «1».srt" });

    const other = await uploaderFor(3007);
    const post = (query: string, body: string | Uint8Array<ArrayBuffer>): Promise<Response> =>
      fetch(`${h.relay.url}${RELAY_PATHS.exports}?${query}`, { method: "POST", headers: { authorization: `Bearer ${other.token}`, "content-type": "text/plain" }, body });
    expect((await post("format=docx&name=a", "x")).status).toBe(400);
    expect((await post("format=txt&name=a", "")).status).toBe(400);
    expect((await post("format=txt&name=a", new Uint8Array([0xff, 0xfe, 0x00]))).status).toBe(400);
    // A name is made safe the way the app's own downloads are.
    const renamed = await post(`format=txt&name=${encodeURIComponent('../../etc/"passwd".ogg')}`, "hello");
    expect(renamed.status).toBe(201);
    expect(((await renamed.json()) as { fileName: string }).fileName).toBe("etc passwd.txt");
    expect((await fetch(`${h.relay.url}/api/exports/not-a-token`)).status).toBe(404);
  });
});
