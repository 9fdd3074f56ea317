/**
 * A local stand-in for the Hugging Face Hub, for browser tests and the benchmark: serves model
 * folders at the URLs transformers.js builds for remote models, with the parts of the Hub's answers
 * that clients depend on. Point the app at it with `HF_ENDPOINT=<url>`.
 *
 * - `GET|HEAD /<owner>/<name>/resolve/<revision>/<file>`: revision `main` only. Small files (JSON)
 *   are answered directly; `.onnx` files, stored in Git LFS on the Hub, get a `302` to a content
 *   address (`/xet-bridge/<sha256>`, on the same origin here; the Hub's is a CDN), with
 *   `X-Linked-Size` and `X-Linked-ETag` as the Hub sends them. Missing files are `404` with
 *   `X-Error-Code: EntryNotFound`.
 * - Both answer `Range: bytes=a-b` with `206` and `Content-Range` (transformers.js reads sizes so).
 * - CORS as the Hub does it: the main host echoes the page's `Origin` (with `Vary: Origin`) and
 *   exposes its headers, the content host allows `*`; preflights are answered.
 *
 * Every request is recorded in `requests`, so a test can say what was fetched and how.
 */
import { createHash } from "node:crypto";
import { createReadStream, existsSync, readFileSync, statSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join, normalize } from "node:path";

/** One request the stand-in answered. */
export interface HubRequest {
  readonly method: string;
  readonly path: string;
  readonly range: string | null;
  readonly status: number;
}

/** A running stand-in; `url` has no trailing slash (an `HF_ENDPOINT`). */
export interface HubStandIn {
  readonly url: string;
  readonly requests: HubRequest[];
  close(): Promise<void>;
}

interface Blob {
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
}

const EXPOSED = "X-Repo-Commit,X-Request-Id,X-Error-Code,X-Error-Message,X-Total-Count,ETag,Link,Accept-Ranges,Content-Range,X-Linked-Size,X-Linked-ETag,X-Xet-Hash";
const COMMIT = "0123456789abcdef0123456789abcdef01234567";

function isLfs(file: string): boolean {
  return file.endsWith(".onnx") || file.endsWith(".onnx_data");
}

function contentType(file: string): string {
  return file.endsWith(".json") ? "text/plain; charset=utf-8" : "application/octet-stream";
}

/** The byte range `header` asks for within `size` bytes; null for the whole file, "invalid" when it cannot be served. */
function byteRange(header: string | undefined, size: number): { start: number; end: number } | null | "invalid" {
  if (header === undefined) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (match === null) return null;
  const [, from = "", to = ""] = match;
  if (from === "" && to === "") return "invalid";
  const start = from === "" ? Math.max(0, size - Number(to)) : Number(from);
  const end = from === "" || to === "" ? size - 1 : Math.min(Number(to), size - 1);
  return start > end || start >= size ? "invalid" : { start, end };
}

function sendFile(request: IncomingMessage, response: ServerResponse, blob: Blob, headers: Record<string, string>): number {
  const range = byteRange(request.headers.range, blob.size);
  const common = { ...headers, "Accept-Ranges": "bytes", "Content-Type": contentType(blob.path), ETag: `"${blob.sha256}"` };
  if (range === "invalid") {
    response.writeHead(416, { ...common, "Content-Range": `bytes */${blob.size}` }).end();
    return 416;
  }
  const { start, end } = range ?? { start: 0, end: blob.size - 1 };
  const status = range === null ? 200 : 206;
  response.writeHead(status, { ...common, "Content-Length": String(end - start + 1), ...(range === null ? {} : { "Content-Range": `bytes ${start}-${end}/${blob.size}` }) });
  if (request.method === "HEAD" || blob.size === 0) response.end();
  else createReadStream(blob.path, { start, end }).pipe(response);
  return status;
}

/**
 * Starts the stand-in on 127.0.0.1 (`port` 0: any free port), serving each `repos` entry
 * (`"onnx-community/whisper-tiny"` → a folder in the Hub's layout, `config.json`, `onnx/…`).
 */
export async function startHubStandIn(repos: Readonly<Record<string, string>>, port = 0): Promise<HubStandIn> {
  const requests: HubRequest[] = [];
  const blobs = new Map<string, Blob>();
  const byPath = new Map<string, Blob>();
  const blobOf = (folder: string, file: string): Blob | null => {
    const path = normalize(join(folder, file));
    if (!path.startsWith(normalize(folder)) || !existsSync(path) || !statSync(path).isFile()) return null;
    const known = byPath.get(path);
    if (known !== undefined) return known;
    const blob = { path, size: statSync(path).size, sha256: createHash("sha256").update(readFileSync(path)).digest("hex") };
    blobs.set(blob.sha256, blob);
    byPath.set(path, blob);
    return blob;
  };

  const answer = (request: IncomingMessage, response: ServerResponse): number => {
    const url = new URL(request.url ?? "/", "http://stand-in");
    const origin = request.headers.origin;
    const hubCors: Record<string, string> = { "Access-Control-Allow-Origin": origin ?? "*", "Access-Control-Expose-Headers": EXPOSED, Vary: "Origin" };
    if (request.method === "OPTIONS") {
      response.writeHead(204, { ...hubCors, "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS", "Access-Control-Allow-Headers": request.headers["access-control-request-headers"] ?? "range", "Access-Control-Max-Age": "86400" }).end();
      return 204;
    }
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.writeHead(405, hubCors).end();
      return 405;
    }
    const cdn = /^\/xet-bridge\/([0-9a-f]{64})$/.exec(url.pathname);
    if (cdn !== null) {
      const blob = blobs.get(cdn[1] ?? "");
      if (blob === undefined) {
        response.writeHead(403, { "Access-Control-Allow-Origin": "*" }).end();
        return 403;
      }
      return sendFile(request, response, blob, { "Access-Control-Allow-Origin": "*", "Access-Control-Expose-Headers": "ETag, Content-Range, Accept-Ranges", "Cache-Control": "public, max-age=604800, immutable" });
    }
    const parts = url.pathname.split("/").filter((part) => part !== "").map(decodeURIComponent);
    const [owner = "", name = "", resolve = "", revision = "", ...fileParts] = parts;
    const folder = repos[`${owner}/${name}`];
    const notFound = (code: string, message: string): number => {
      response.writeHead(404, { ...hubCors, "Content-Type": "application/json", "X-Error-Code": code, "X-Error-Message": message }).end(JSON.stringify({ error: message }));
      return 404;
    };
    if (resolve !== "resolve" || folder === undefined) return notFound("RepoNotFound", "Repository not found");
    if (revision !== "main") return notFound("RevisionNotFound", "Invalid rev id: " + revision);
    const file = fileParts.join("/");
    const blob = fileParts.length === 0 ? null : blobOf(folder, file);
    if (blob === null) return notFound("EntryNotFound", "Entry not found");
    const repoHeaders = { ...hubCors, "X-Repo-Commit": COMMIT };
    if (!isLfs(file)) return sendFile(request, response, blob, repoHeaders);
    response.writeHead(302, { ...repoHeaders, Location: `${base}/xet-bridge/${blob.sha256}`, "X-Linked-Size": String(blob.size), "X-Linked-ETag": `"${blob.sha256}"`, ETag: `"${blob.sha256}"`, "Content-Length": "0" }).end();
    return 302;
  };

  const server = createServer((request, response) => {
    const status = answer(request, response);
    requests.push({ method: request.method ?? "", path: request.url ?? "", range: request.headers.range ?? null, status });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const address: AddressInfo | string | null = server.address();
  const base = `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : port}`;
  return {
    url: base,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
