/**
 * {@link ExportStore} on SQLite: one `exports` table in the relay's file (created by the schema),
 * read and written with prepared statements. better-sqlite3 is synchronous, so each check-and-write
 * below runs as one transaction with no other caller in between.
 */
import type Database from "better-sqlite3";
import { isTranscriptFormat } from "../../lib/transcript/formats";
import { StoreError } from "../errors";
import type { ExportRecord, ExportStore, SaveExportOutcome } from "../ports/export-store";

interface ExportRow {
  readonly token_hash: string;
  readonly owner_id: number;
  readonly file_name: string;
  readonly format: string;
  readonly body: string;
  readonly created_at: number;
  readonly expires_at: number;
  readonly downloads_left: number;
}

function toExport(row: ExportRow): ExportRecord {
  if (!isTranscriptFormat(row.format)) throw new StoreError(`stored export has an unknown format "${row.format}"`);
  return {
    tokenHash: row.token_hash,
    ownerId: row.owner_id,
    fileName: row.file_name,
    format: row.format,
    body: row.body,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    downloadsLeft: row.downloads_left,
  };
}

function prepare(db: Database.Database) {
  return {
    count: db.prepare<[number, number], { n: number }>("SELECT COUNT(*) AS n FROM exports WHERE owner_id = ? AND expires_at > ?"),
    insert: db.prepare<[string, number, string, string, string, number, number, number]>(
      "INSERT INTO exports (token_hash, owner_id, file_name, format, body, created_at, expires_at, downloads_left) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    ),
    find: db.prepare<[string, number], ExportRow>("SELECT * FROM exports WHERE token_hash = ? AND expires_at > ? AND downloads_left > 0"),
    use: db.prepare<[string]>("UPDATE exports SET downloads_left = downloads_left - 1 WHERE token_hash = ?"),
    deleteUsed: db.prepare<[string]>("DELETE FROM exports WHERE token_hash = ? AND downloads_left <= 0"),
    prune: db.prepare<[number]>("DELETE FROM exports WHERE expires_at <= ?"),
  };
}

/** Use through `SqliteStore.exports`; it shares the store's connection. */
export class SqliteExportStore implements ExportStore {
  private readonly stmt: ReturnType<typeof prepare>;

  constructor(private readonly db: Database.Database) {
    this.stmt = prepare(db);
  }

  async saveExport(record: ExportRecord, maxPerUser: number, now: number): Promise<SaveExportOutcome> {
    return this.db.transaction((): SaveExportOutcome => {
      const live = this.stmt.count.get(record.ownerId, now)?.n ?? 0;
      if (live >= maxPerUser) return "too-many";
      this.stmt.insert.run(record.tokenHash, record.ownerId, record.fileName, record.format, record.body, record.createdAt, record.expiresAt, record.downloadsLeft);
      return "saved";
    })();
  }

  async takeExport(tokenHash: string, now: number): Promise<ExportRecord | null> {
    return this.db.transaction((): ExportRecord | null => {
      const row = this.stmt.find.get(tokenHash, now);
      if (row === undefined) return null;
      this.stmt.use.run(tokenHash);
      this.stmt.deleteUsed.run(tokenHash);
      return { ...toExport(row), downloadsLeft: row.downloads_left - 1 };
    })();
  }

  async findExport(tokenHash: string, now: number): Promise<ExportRecord | null> {
    const row = this.stmt.find.get(tokenHash, now);
    return row === undefined ? null : toExport(row);
  }

  async countUserExports(ownerId: number, now: number): Promise<number> {
    return this.stmt.count.get(ownerId, now)?.n ?? 0;
  }

  async pruneExports(now: number): Promise<number> {
    return this.stmt.prune.run(now).changes;
  }
}
