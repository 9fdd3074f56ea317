/** Small helpers to answer JSON and errors consistently from every route. */
import type { ServerResponse } from "node:http";
import type { ErrorBody, RelayErrorCode } from "../../lib/relay/protocol";
import { redactSecrets } from "../../lib/redact";

/** Sends `body` as JSON with `status`; never cached. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    "cache-control": "no-store",
    ...headers,
  });
  res.end(text);
}

/** Sends the standard error body; the message is redacted, so no secret can leave in it. */
export function sendError(res: ServerResponse, status: number, code: RelayErrorCode, message: string, headers: Record<string, string> = {}): void {
  const body: ErrorBody = { error: { code, message: redactSecrets(message) } };
  sendJson(res, status, body, headers);
}
