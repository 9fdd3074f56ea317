/**
 * {@link ExportStore} on Redis (see `scripts/export-scripts.ts` for the keys): saving under the
 * per-user cap and taking a download are each one script, so two relays never both hand out the
 * last download. Redis drops an export at its expiry on its own, so there is nothing to prune.
 */
import type { Redis } from "ioredis";
import { isTranscriptFormat } from "../../lib/transcript/formats";
import { StoreError } from "../errors";
import type { ExportRecord, ExportStore, SaveExportOutcome } from "../ports/export-store";
import { RedisScript } from "./redis-script";
import { COUNT_USER_EXPORTS, SAVE_EXPORT, TAKE_EXPORT } from "./scripts/export-scripts";

const scripts = {
  saveExport: new RedisScript("saveExport", SAVE_EXPORT),
  takeExport: new RedisScript("takeExport", TAKE_EXPORT),
  countUserExports: new RedisScript("countUserExports", COUNT_USER_EXPORTS),
} as const;

function toExport(tokenHash: string, answer: unknown): ExportRecord | null {
  if (answer === null) return null;
  if (!Array.isArray(answer)) throw new StoreError("Redis answered takeExport with something other than a list");
  const fields = new Map<string, string>();
  for (let i = 0; i + 1 < answer.length; i += 2) fields.set(String(answer[i]), String(answer[i + 1]));
  const format = fields.get("format");
  if (!isTranscriptFormat(format)) throw new StoreError(`stored export has an unknown format "${String(format)}"`);
  return {
    tokenHash,
    ownerId: Number(fields.get("owner")),
    fileName: fields.get("name") ?? "",
    format,
    body: fields.get("body") ?? "",
    createdAt: Number(fields.get("created")),
    expiresAt: Number(fields.get("expires")),
    downloadsLeft: Number(fields.get("left")),
  };
}

/** Use through `RedisStore.exports`; it shares the store's connection and key prefix. */
export class RedisExportStore implements ExportStore {
  constructor(
    private readonly client: Redis,
    private readonly prefix: string,
  ) {}

  private run(script: RedisScript, ...args: Array<string | number>): Promise<unknown> {
    return script.run(this.client, [this.prefix, ...args]);
  }

  async saveExport(record: ExportRecord, maxPerUser: number, now: number): Promise<SaveExportOutcome> {
    const saved = await this.run(
      scripts.saveExport,
      record.tokenHash,
      record.ownerId,
      record.fileName,
      record.format,
      record.body,
      record.createdAt,
      record.expiresAt,
      record.downloadsLeft,
      maxPerUser,
      now,
    );
    return saved === 1 ? "saved" : "too-many";
  }

  async takeExport(tokenHash: string, now: number): Promise<ExportRecord | null> {
    return toExport(tokenHash, await this.run(scripts.takeExport, tokenHash, now, "1"));
  }

  async findExport(tokenHash: string, now: number): Promise<ExportRecord | null> {
    return toExport(tokenHash, await this.run(scripts.takeExport, tokenHash, now, "0"));
  }

  async countUserExports(ownerId: number, now: number): Promise<number> {
    return Number(await this.run(scripts.countUserExports, ownerId, now));
  }

  async pruneExports(): Promise<number> {
    return 0;
  }
}
