/**
 * The key layout of the Redis store, and the Lua helpers every job script starts with. The scripts
 * themselves are grouped by concern in this folder (jobs, sweeps, delivery, sessions, events).
 *
 * Layout, under the prefix P (ARGV[1] of every script):
 *
 * | key | type | holds |
 * | --- | --- | --- |
 * | `P job:<id>` | hash | one job; absent fields are null |
 * | `P jobs:new` / `jobs:pending` / `jobs:claimed` | sorted set | job ids by state; scored by created, expiry, lease expiry |
 * | `P jobs:undelivered` | sorted set | finished jobs the chat has not been shown, scored by delivery lock (0 = free) |
 * | `P jobs:open:<owner>` | sorted set | the owner's pending and claimed jobs, scored by creation |
 * | `P jobs:by-source` / `jobs:by-status` | hash | `<chat>:<message>` → job id |
 * | `P events:seq:<owner>` | string | the owner's last event id (ids count per user; `P events:seq`, the old global counter, only seeds them) |
 * | `P events:<owner>` | stream | the owner's event log, entry ids `<event id>-0`, capped |
 * | `P events:owners` | sorted set | owners with a log, scored by the time of their oldest entry |
 * | `P events:floor` | hash | owner → the highest event id dropped from their log |
 * | `P bus` | pub/sub channel | every appended event and "close streams" orders, for all relays |
 *
 * Values are kept as the strings the relay sent; Lua only compares them as numbers, never writes
 * numbers it computed (except small counters), so large ids and timestamps keep every digit.
 */

/** Helpers every job script starts with: the key names and load/save/index of one job hash. */
export const JOB_PRELUDE = `
local P = ARGV[1]
local JOB = P .. 'job:'
local NEW = P .. 'jobs:new'
local PENDING = P .. 'jobs:pending'
local CLAIMED = P .. 'jobs:claimed'
local UNDELIVERED = P .. 'jobs:undelivered'
local BY_SOURCE = P .. 'jobs:by-source'
local BY_STATUS = P .. 'jobs:by-status'
local function open_key(owner) return P .. 'jobs:open:' .. owner end

local function load(id)
  local flat = redis.call('HGETALL', JOB .. id)
  if #flat == 0 then return nil end
  local m = {}
  for i = 1, #flat, 2 do m[flat[i]] = flat[i + 1] end
  return m
end

local function flatten(m)
  local out = {}
  for k, v in pairs(m) do
    out[#out + 1] = k
    out[#out + 1] = v
  end
  return out
end

local function is_final(state) return state == 'done' or state == 'failed' or state == 'expired' end

local function unindex(id, m)
  redis.call('ZREM', NEW, id)
  redis.call('ZREM', PENDING, id)
  redis.call('ZREM', CLAIMED, id)
  redis.call('ZREM', UNDELIVERED, id)
  redis.call('ZREM', open_key(m.owner), id)
end

local function save(id, m)
  redis.call('DEL', JOB .. id)
  redis.call('HSET', JOB .. id, unpack(flatten(m)))
  local s = m.state
  if s == 'new' then
    redis.call('ZADD', NEW, m.created, id)
  elseif s == 'pending' then
    redis.call('ZADD', PENDING, m.expires, id)
    redis.call('ZADD', open_key(m.owner), m.created, id)
  elseif s == 'claimed' then
    redis.call('ZADD', CLAIMED, m.leaseExp or '0', id)
    redis.call('ZADD', open_key(m.owner), m.created, id)
  elseif m.delivered == '0' then
    redis.call('ZADD', UNDELIVERED, m.lockUntil or '0', id)
  end
end
`;
