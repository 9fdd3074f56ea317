/** The sweep scripts: lease expiry, job expiry and stale new jobs, each in bounded batches. */
import { JOB_PRELUDE } from "./job-prelude";

/** Most jobs one sweep script moves; the next sweep takes the rest. */
export const SWEEP_BATCH = 1000;

/** ARGV: P, now, batch. Claimed jobs whose lease ran out → pending. → list of jobs */
export const EXPIRE_LEASES = `${JOB_PRELUDE}
local out = {}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', CLAIMED, '-inf', ARGV[2], 'LIMIT', 0, tonumber(ARGV[3]))) do
  local m = load(id)
  if m and m.state == 'claimed' then
    unindex(id, m)
    m.state = 'pending'
    save(id, m)
    out[#out + 1] = flatten(m)
  else
    redis.call('ZREM', CLAIMED, id)
  end
end
return out
`;

/** ARGV: P, now, batch. Pending jobs past their expiry → expired. → list of jobs */
export const EXPIRE_JOBS = `${JOB_PRELUDE}
local out = {}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', PENDING, '-inf', ARGV[2], 'LIMIT', 0, tonumber(ARGV[3]))) do
  local m = load(id)
  if m and m.state == 'pending' then
    unindex(id, m)
    m.state = 'expired'
    m.finishedAt = ARGV[2]
    m.delivered = '0'
    m.parts = nil
    m.lockUntil = nil
    save(id, m)
    out[#out + 1] = flatten(m)
  else
    redis.call('ZREM', PENDING, id)
  end
end
return out
`;

/** ARGV: P, created before, batch. `new` jobs older than that → pending. → list of jobs */
export const ACTIVATE_STALE_JOBS = `${JOB_PRELUDE}
local out = {}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', NEW, '-inf', '(' .. ARGV[2], 'LIMIT', 0, tonumber(ARGV[3]))) do
  local m = load(id)
  if m and m.state == 'new' then
    unindex(id, m)
    m.state = 'pending'
    save(id, m)
    out[#out + 1] = flatten(m)
  else
    redis.call('ZREM', NEW, id)
  end
end
return out
`;
