/**
 * A leader lease on Redis: the key holds the id of the instance that leads, with an expiry
 * (`SET key id NX PX lease`). The leader renews it well before it lapses; the others keep trying to
 * take it and succeed once the leader stops renewing (it died, or lost Redis). Releasing on
 * shutdown lets a standby take over at once instead of waiting for the expiry.
 */
import type { Redis } from "ioredis";
import { RedisScript } from "./redis-script";
import type { LeaderLease } from "../ports/leader-lease";

/** ARGV: key, instance id, lease ms. Takes a free lease or renews our own. → 1 held, 0 not */
const HOLD = new RedisScript(
  "holdLease",
  `
local current = redis.call('GET', ARGV[1])
if current == false or current == ARGV[2] then
  redis.call('SET', ARGV[1], ARGV[2], 'PX', ARGV[3])
  return 1
end
return 0
`,
);

/** ARGV: key, instance id. Deletes the lease only if it is ours. */
const RELEASE = new RedisScript(
  "releaseLease",
  `
if redis.call('GET', ARGV[1]) == ARGV[2] then return redis.call('DEL', ARGV[1]) end
return 0
`,
);

/** See the module comment. */
export class RedisLeaderLease implements LeaderLease {
  constructor(
    private readonly client: Redis,
    private readonly key: string,
    private readonly instanceId: string,
    readonly leaseMs: number,
  ) {}

  async hold(): Promise<boolean> {
    return (await HOLD.run(this.client, [this.key, this.instanceId, this.leaseMs])) === 1;
  }

  async release(): Promise<void> {
    await RELEASE.run(this.client, [this.key, this.instanceId]);
  }

  /** The instance that holds the lease now, or null. */
  async holder(): Promise<string | null> {
    return this.client.get(this.key);
  }
}
