/**
 * Transcript exports the relay keeps for a few minutes so that Telegram can download them for the
 * Mini App (Telegram's webview saves files only through `downloadFile`, which fetches an https URL
 * itself). They live in the store — a SQLite table, or Redis keys with a TTL — never in the relay's
 * memory, so the relay stays flat however many are uploaded. Only the SHA-256 of the download token
 * is kept, as with sessions. Both stores are held to the same behaviour by
 * `test/integration/relay/export-store-contract.test.ts`.
 *
 * Times are milliseconds since the epoch.
 */
import type { TranscriptFormat } from "../../lib/transcript/formats";

/** One kept export. */
export interface ExportRecord {
  /** SHA-256 hex of the download token. */
  readonly tokenHash: string;
  /** The Telegram user whose session uploaded it. */
  readonly ownerId: number;
  /** The safe download name (`fileNameFor`). */
  readonly fileName: string;
  readonly format: TranscriptFormat;
  /** The file's text, exactly as uploaded (UTF-8). */
  readonly body: string;
  readonly createdAt: number;
  /** After this it is gone, downloaded or not. */
  readonly expiresAt: number;
  /** Fetches left before it is deleted. */
  readonly downloadsLeft: number;
}

/** Answer of {@link ExportStore.saveExport}. */
export type SaveExportOutcome = "saved" | "too-many";

/** The export half of the store; reached as `RelayStore.exports`. */
export interface ExportStore {
  /**
   * Keeps `record` unless its owner already has `maxPerUser` live exports (then "too-many", and
   * nothing is written). Expired ones do not count. One atomic step across relays.
   */
  saveExport(record: ExportRecord, maxPerUser: number, now: number): Promise<SaveExportOutcome>;
  /**
   * One download: the export with one fetch fewer left (deleted when none is left), or null when
   * it is unknown, expired or used up. Two relays taking the last fetch at once: one gets it.
   */
  takeExport(tokenHash: string, now: number): Promise<ExportRecord | null>;
  /** Looks without counting a download (a HEAD request); null as for {@link takeExport}. */
  findExport(tokenHash: string, now: number): Promise<ExportRecord | null>;
  /** The owner's live exports (for the per-user cap and tests). */
  countUserExports(ownerId: number, now: number): Promise<number>;
  /** Deletes expired exports; returns how many (Redis expires its keys itself and may say 0). */
  pruneExports(now: number): Promise<number>;
}
