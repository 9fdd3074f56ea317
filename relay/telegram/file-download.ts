/**
 * Opens an HTTP(S) download and hands back the response stream without reading it, so the caller
 * can pipe it onward with backpressure. Errors never include the URL: for Telegram it contains the
 * bot token.
 */
import { get as httpGet, type IncomingMessage } from "node:http";
import { get as httpsGet } from "node:https";
import { redactSecrets } from "../../lib/redact";
import { UpstreamError } from "../errors";

/** An open download: the body is unread. */
export interface Download {
  readonly body: IncomingMessage;
  readonly contentLength: number | null;
}

/** Time allowed for the server to start answering. */
const RESPONSE_TIMEOUT_MS = 30_000;

/** Starts a GET of `url`; resolves once the status line and headers arrived with 200. */
export function openDownload(url: string, signal: AbortSignal): Promise<Download> {
  const get = url.startsWith("https:") ? httpsGet : httpGet;
  return new Promise<Download>((resolve, reject) => {
    const request = get(url, { signal, timeout: RESPONSE_TIMEOUT_MS }, (response) => {
      request.setTimeout(0);
      const status = response.statusCode ?? 0;
      if (status !== 200) {
        response.resume();
        reject(new UpstreamError(`the file server answered ${status}`, { context: { status } }));
        return;
      }
      const length = Number(response.headers["content-length"]);
      resolve({ body: response, contentLength: Number.isSafeInteger(length) && length >= 0 ? length : null });
    });
    request.on("timeout", () => request.destroy(new UpstreamError("the file server did not answer in time")));
    request.on("error", (error) => {
      reject(error instanceof UpstreamError ? error : new UpstreamError(`the file download failed (${error.name})`, { cause: scrub(error) }));
    });
  });
}

/** A copy of `error` whose message cannot leak the URL. */
function scrub(error: Error): Error {
  const copy = new Error(redactSecrets(error.message));
  copy.name = error.name;
  return copy;
}

/**
 * Use to build the download URL of a Bot API `file_path`: each segment is encoded, and `.`, `..`
 * and empty segments are refused (502), so Telegram's answer cannot point the request elsewhere
 * on the Bot API host.
 */
export function fileDownloadUrl(apiRoot: string, token: string, filePath: string): string {
  const segments = filePath.split("/");
  if (segments.some((segment) => segment === "" || segment === "." || segment === ".." || /[\\\0]/.test(segment))) {
    throw new UpstreamError("Telegram gave an unusable download path for this file");
  }
  return `${apiRoot}/file/bot${token}/${segments.map(encodeURIComponent).join("/")}`;
}
