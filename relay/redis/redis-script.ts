/**
 * A Lua script run by its SHA-1 (EVALSHA), loaded on first use and again after Redis forgot it
 * (a restart empties the script cache). Each script is one atomic step on the server: the relay's
 * one-winner guarantees on Redis (claiming a job, recording a result, taking the delivery lock)
 * come from this. Scripts address keys under a prefix passed as the first argument, so they need a
 * standalone Redis (or a primary with replicas), not Redis Cluster.
 */
import { createHash } from "node:crypto";
import type { Redis } from "ioredis";
import { toStoreError } from "./redis-connection";

/** See the module comment. */
export class RedisScript {
  private readonly sha: string;

  constructor(
    /** For error messages. */
    readonly name: string,
    private readonly lua: string,
  ) {
    this.sha = createHash("sha1").update(lua).digest("hex");
  }

  /**
   * Runs the script with no declared keys and `args` as ARGV. Failures become a `StoreError`
   * (`StoreUnavailableError` when Redis could not be reached); see `toStoreError`.
   */
  async run(client: Redis, args: ReadonlyArray<string | number>): Promise<unknown> {
    try {
      return await client.evalsha(this.sha, 0, ...args);
    } catch (error) {
      if (!(error instanceof Error && error.message.startsWith("NOSCRIPT"))) throw toStoreError(error, `script ${this.name}`);
    }
    try {
      return await client.eval(this.lua, 0, ...args);
    } catch (error) {
      throw toStoreError(error, `script ${this.name}`);
    }
  }
}
