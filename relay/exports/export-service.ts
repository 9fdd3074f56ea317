/**
 * Transcript exports passed through the relay for the Mini App: Telegram's webview cannot save a
 * file the page made (no `<a download>`, no `blob:` URLs), so the page uploads the export over its
 * session and asks Telegram to download it from the URL this service hands back. The file is kept
 * in the store (never in memory) for {@link EXPORT_LIMITS}`.ttlSeconds`, for a few downloads, under
 * a per-user count cap; the URL's token is random and only its hash is stored. Outside Telegram the
 * app never calls this: exports stay on the device.
 */
import { createLogger } from "../../lib/logger";
import { RELAY_LIMITS, RELAY_PATHS, type ExportResponse } from "../../lib/relay/protocol";
import { fileNameFor, type TranscriptFormat } from "../../lib/transcript/formats";
import { hashSecret, newSessionToken } from "../auth/secrets";
import { BadRequestError, TooManyError } from "../errors";
import type { ExportRecord, ExportStore } from "../ports/export-store";
import type { Session } from "../sessions/session-service";

const log = createLogger("relay:exports");

/** How long, how often and how many: the relay's defaults. */
export interface ExportLimits {
  /** Seconds an export stays downloadable. */
  readonly ttlSeconds: number;
  /** Fetches of one export before it is deleted (Telegram's clients may fetch more than once). */
  readonly downloads: number;
  /** Live exports per Telegram user. */
  readonly perUser: number;
  /** Largest export, in bytes. */
  readonly maxBytes: number;
}

/** See {@link ExportLimits}: five minutes, three fetches, five at a time, 2 MB. */
export const EXPORT_LIMITS: ExportLimits = { ttlSeconds: 300, downloads: 3, perUser: 5, maxBytes: RELAY_LIMITS.maxExportBytes };

/** What the browser uploads. */
export interface ExportUpload {
  readonly format: TranscriptFormat;
  /** The name to save as; made safe here with `fileNameFor`. */
  readonly name: string;
  readonly bytes: Buffer;
}

/** The 413 message, in words the app can show as they are. */
export function tooLargeMessage(limits: ExportLimits = EXPORT_LIMITS): string {
  return `this export is larger than ${Math.round(limits.maxBytes / (1024 * 1024))} MB, the most the bot's server passes on to Telegram; copy the text instead, or save it outside Telegram`;
}

const UTF8 = new TextDecoder("utf-8", { fatal: true });

/** Well-formed download tokens (what {@link newSessionToken} makes); anything else is unknown without asking the store. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** See the module comment. */
export class ExportService {
  readonly limits: ExportLimits;

  constructor(
    private readonly store: ExportStore,
    private readonly now: () => number,
    limits: Partial<ExportLimits> = {},
  ) {
    this.limits = { ...EXPORT_LIMITS, ...limits };
  }

  /** Keeps an upload of `session`'s user and returns where Telegram can fetch it. */
  async create(session: Session, upload: ExportUpload): Promise<ExportResponse> {
    if (upload.bytes.length === 0) throw new BadRequestError("the export is empty");
    let body: string;
    try {
      body = UTF8.decode(upload.bytes);
    } catch (error) {
      throw new BadRequestError("an export must be UTF-8 text", { cause: error });
    }
    const token = newSessionToken();
    const now = this.now();
    const record: ExportRecord = {
      tokenHash: hashSecret(token),
      ownerId: session.userId,
      fileName: fileNameFor(upload.name, upload.format),
      format: upload.format,
      body,
      createdAt: now,
      expiresAt: now + this.limits.ttlSeconds * 1000,
      downloadsLeft: this.limits.downloads,
    };
    const outcome = await this.store.saveExport(record, this.limits.perUser, now);
    if (outcome === "too-many") {
      throw new TooManyError(`${this.limits.perUser} exports are already waiting for Telegram to download them; try again in a few minutes`, this.limits.ttlSeconds);
    }
    log.debug(`user ${session.userId} passed a ${upload.bytes.length}-byte ${upload.format} export through the relay`);
    return { path: RELAY_PATHS.exportFile(token), fileName: record.fileName, expiresAt: new Date(record.expiresAt).toISOString(), downloads: record.downloadsLeft };
  }

  /** The export behind `token`, counting one download unless `peek`; null when unknown, expired or used up. */
  async open(token: string, peek = false): Promise<ExportRecord | null> {
    if (!TOKEN_PATTERN.test(token)) return null;
    const tokenHash = hashSecret(token);
    return peek ? this.store.findExport(tokenHash, this.now()) : this.store.takeExport(tokenHash, this.now());
  }

  /** Deletes expired exports (the relay's periodic prune). */
  prune(): Promise<number> {
    return this.store.pruneExports(this.now());
  }
}

/**
 * `Content-Disposition: attachment` for `fileName`: a plain-ASCII `filename` for old clients and
 * the exact name as RFC 5987 `filename*`.
 */
export function contentDisposition(fileName: string): string {
  const fallback = fileName.replace(/[^\x20-\x7e]|["\\%;]/g, "_");
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
