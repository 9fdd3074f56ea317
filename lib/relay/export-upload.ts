/**
 * Passing a transcript export through the relay, for the Mini App only: Telegram's webview cannot
 * save a file the page made, so the page uploads it over its linked session and hands Telegram the
 * short-lived URL the relay answers with (see `relay/exports/export-service.ts`). Browser-safe.
 */
import { isRecord } from "../guards";
import type { TranscriptFormat } from "../transcript/formats";
import type { FetchLike } from "./client";
import { RelayClientError, relayErrorFrom } from "./client-error";
import { RELAY_PATHS } from "./protocol";

/** The file to pass on: its text exactly as a plain download would save it. */
export interface ExportFile {
  readonly fileName: string;
  readonly format: TranscriptFormat;
  readonly mimeType: string;
  readonly text: string;
}

/** Where Telegram can fetch the file, and until when. */
export interface UploadedExport {
  /** Absolute: the relay's base URL and the path it answered. */
  readonly url: string;
  readonly fileName: string;
  readonly expiresAt: string;
}

/** Who uploads: the relay the session was issued by, and its token. */
export interface ExportUploader {
  readonly baseUrl: string;
  readonly token: string;
  readonly fetch?: FetchLike;
}

/** Uploads `file`; throws {@link RelayClientError} (413 too large, 401 signed out, 429 too many waiting, 0 network). */
export async function uploadExport(uploader: ExportUploader, file: ExportFile): Promise<UploadedExport> {
  const baseUrl = uploader.baseUrl.replace(/\/+$/, "");
  const fetchImpl = uploader.fetch ?? ((input: string, init?: RequestInit) => fetch(input, init));
  const query = new URLSearchParams({ format: file.format, name: file.fileName });
  let response: Response;
  try {
    response = await fetchImpl(`${baseUrl}${RELAY_PATHS.exports}?${query.toString()}`, {
      method: "POST",
      headers: { authorization: `Bearer ${uploader.token}`, "content-type": file.mimeType },
      body: new TextEncoder().encode(file.text),
      cache: "no-store",
    });
  } catch (cause) {
    throw new RelayClientError(0, "network", "cannot reach the relay (POST /api/exports)", { cause });
  }
  if (!response.ok) throw await relayErrorFrom(response);
  let body: unknown;
  try {
    body = await response.json();
  } catch (cause) {
    throw new RelayClientError(response.status, "bad_response", "the relay answered with something that is not JSON", { cause });
  }
  if (!isRecord(body) || typeof body.path !== "string" || !body.path.startsWith("/") || typeof body.fileName !== "string" || typeof body.expiresAt !== "string") {
    throw new RelayClientError(response.status, "bad_response", "unexpected relay response: no export path");
  }
  return { url: baseUrl + body.path, fileName: body.fileName, expiresAt: body.expiresAt };
}
