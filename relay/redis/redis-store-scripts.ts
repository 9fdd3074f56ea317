/**
 * The Lua scripts behind {@link RedisStore}: every method that changes a job is one script, so it
 * runs as one atomic step on the Redis server however many relays call it at once. They mirror the
 * SQL statements of `sqlite-store.ts` one for one; the shared contract test
 * (`test/integration/relay/store-contract.ts`) holds both to the same behaviour.
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
 * | `P events:seq` | string | the last event id handed out (ids are global and increasing) |
 * | `P events:<owner>` | stream | the owner's event log, entry ids `<event id>-0`, capped |
 * | `P events:owners` | sorted set | owners with a log, scored by the time of their oldest entry |
 * | `P events:floor` | hash | owner → the highest event id dropped from their log |
 * | `P bus` | pub/sub channel | every appended event and "close streams" orders, for all relays |
 *
 * Values are kept as the strings the relay sent; Lua only compares them as numbers, never writes
 * numbers it computed (except small counters), so large ids and timestamps keep every digit.
 */

/** Helpers every job script starts with. */
const JOB_PRELUDE = `
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

/** ARGV: P, chat, source message, id, then field/value pairs of the new job. → {created 0|1, job} */
export const INSERT_JOB = `${JOB_PRELUDE}
local ref = ARGV[2] .. ':' .. ARGV[3]
local existing = redis.call('HGET', BY_SOURCE, ref)
if existing then
  local m = load(existing)
  if m then return {0, flatten(m)} end
end
local id = ARGV[4]
local m = {}
for i = 5, #ARGV, 2 do m[ARGV[i]] = ARGV[i + 1] end
m.id = id
m.state = 'new'
m.delivered = '0'
m.attempts = '0'
redis.call('HSET', BY_SOURCE, ref, id)
save(id, m)
return {1, flatten(m)}
`;

/** ARGV: P, id, status message id or '', status kind or ''. → job or nil */
export const ACTIVATE_JOB = `${JOB_PRELUDE}
local id = ARGV[2]
local m = load(id)
if not m or m.state ~= 'new' then return false end
unindex(id, m)
m.state = 'pending'
if ARGV[3] ~= '' then
  m.statusMsg = ARGV[3]
  redis.call('HSET', BY_STATUS, m.chat .. ':' .. ARGV[3], id)
end
if ARGV[4] ~= '' then m.statusKind = ARGV[4] end
save(id, m)
return flatten(m)
`;

/** ARGV: P, id, status kind. */
export const SET_STATUS_KIND = `${JOB_PRELUDE}
if redis.call('EXISTS', JOB .. ARGV[2]) == 1 then redis.call('HSET', JOB .. ARGV[2], 'statusKind', ARGV[3]) end
return 1
`;

/** ARGV: P, chat, message id. → job or nil (by source message first, then by status message) */
export const FIND_JOB_BY_MESSAGE = `${JOB_PRELUDE}
local ref = ARGV[2] .. ':' .. ARGV[3]
local id = redis.call('HGET', BY_SOURCE, ref) or redis.call('HGET', BY_STATUS, ref)
if not id then return false end
local m = load(id)
if not m then return false end
return flatten(m)
`;

/** ARGV: P, owner. → list of jobs, oldest first */
export const LIST_OPEN_JOBS = `${JOB_PRELUDE}
local out = {}
for _, id in ipairs(redis.call('ZRANGE', open_key(ARGV[2]), 0, -1)) do
  local m = load(id)
  if m then out[#out + 1] = flatten(m) end
end
return out
`;

/** ARGV: P, id, owner, lease token, session id, lease expiry, now. → {outcome, job?} */
export const CLAIM_JOB = `${JOB_PRELUDE}
local id = ARGV[2]
local m = load(id)
if not m or m.owner ~= ARGV[3] then return {'not-found'} end
local now = tonumber(ARGV[7])
if m.state == 'claimed' and m.leaseToken and m.leaseSession == ARGV[5] and tonumber(m.leaseExp or '0') > now then
  return {'claimed', flatten(m)}
end
if m.state == 'pending' or (m.state == 'claimed' and m.leaseExp and tonumber(m.leaseExp) <= now) then
  unindex(id, m)
  m.state = 'claimed'
  m.leaseToken = ARGV[4]
  m.leaseSession = ARGV[5]
  m.leaseExp = ARGV[6]
  save(id, m)
  return {'claimed', flatten(m)}
end
if is_final(m.state) then return {'finished', flatten(m)} end
if m.state == 'new' then return {'not-found'} end
return {'taken', flatten(m)}
`;

/** ARGV: P, id, owner, lease token, new expiry. → job or nil */
export const RENEW_LEASE = `${JOB_PRELUDE}
local id = ARGV[2]
local m = load(id)
if not m or m.owner ~= ARGV[3] or m.leaseToken ~= ARGV[4] or (m.state ~= 'pending' and m.state ~= 'claimed') then return false end
unindex(id, m)
m.state = 'claimed'
m.leaseExp = ARGV[5]
save(id, m)
return flatten(m)
`;

/** ARGV: P, id, owner, lease token. → job or nil */
export const RELEASE_JOB = `${JOB_PRELUDE}
local id = ARGV[2]
local m = load(id)
if not m or m.owner ~= ARGV[3] or m.leaseToken ~= ARGV[4] or m.state ~= 'claimed' then return false end
unindex(id, m)
m.state = 'pending'
m.leaseExp = nil
save(id, m)
return flatten(m)
`;

/**
 * ARGV: P, id, owner, lease token, now, 'done' | 'failed', then for done: text, segments JSON,
 * language, '1' when the language is not null; for failed: the message. → {outcome, job?}
 */
export const FINISH_JOB = `${JOB_PRELUDE}
local id = ARGV[2]
local m = load(id)
if m and m.owner == ARGV[3] and m.leaseToken == ARGV[4] and (m.state == 'pending' or m.state == 'claimed') then
  unindex(id, m)
  if ARGV[6] == 'done' then
    m.state = 'done'
    m.resText = ARGV[7]
    m.resSegs = ARGV[8]
    if ARGV[10] == '1' then m.resLang = ARGV[9] else m.resLang = nil end
  else
    m.state = 'failed'
    m.failMsg = ARGV[7]
  end
  m.finishedAt = ARGV[5]
  m.leaseExp = nil
  m.delivered = '0'
  m.lockUntil = nil
  m.attempts = '0'
  save(id, m)
  return {'finished', flatten(m)}
end
if not m or m.owner ~= ARGV[3] then return {'not-found'} end
if (m.state == 'done' or m.state == 'failed') and m.leaseToken == ARGV[4] then return {'duplicate', flatten(m)} end
return {'conflict', flatten(m)}
`;

/** ARGV: P, id, new expiry. → job or nil */
export const REQUEUE_JOB = `${JOB_PRELUDE}
local id = ARGV[2]
local m = load(id)
if not m or (m.state ~= 'failed' and m.state ~= 'expired') then return false end
unindex(id, m)
m.state = 'pending'
m.expires = ARGV[3]
m.leaseToken = nil
m.leaseSession = nil
m.leaseExp = nil
m.resText = nil
m.resSegs = nil
m.resLang = nil
m.failMsg = nil
m.finishedAt = nil
m.delivered = '0'
m.lockUntil = nil
m.attempts = '0'
m.statusKind = 'waiting'
save(id, m)
return flatten(m)
`;

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

/** ARGV: P, id, now, until. → job (with the attempt counted) or nil when not due */
export const LOCK_DELIVERY = `${JOB_PRELUDE}
local id = ARGV[2]
local m = load(id)
if not m or not is_final(m.state) or m.delivered ~= '0' then return false end
if m.lockUntil and tonumber(m.lockUntil) > tonumber(ARGV[3]) then return false end
unindex(id, m)
m.lockUntil = ARGV[4]
m.attempts = tostring(tonumber(m.attempts or '0') + 1)
save(id, m)
return flatten(m)
`;

/** ARGV: P, id. */
export const MARK_DELIVERED = `${JOB_PRELUDE}
local id = ARGV[2]
local m = load(id)
if not m then return 0 end
unindex(id, m)
m.delivered = '1'
m.lockUntil = nil
save(id, m)
return 1
`;

/** ARGV: P, id, until. */
export const DEFER_DELIVERY = `${JOB_PRELUDE}
local id = ARGV[2]
local m = load(id)
if not m or m.delivered ~= '0' then return 0 end
unindex(id, m)
m.lockUntil = ARGV[3]
save(id, m)
return 1
`;

/** ARGV: P, user id. → how many sessions there were */
export const DELETE_USER_SESSIONS = `
local P = ARGV[1]
local set = P .. 'sessions:' .. ARGV[2]
local count = 0
for _, hash in ipairs(redis.call('SMEMBERS', set)) do
  count = count + redis.call('DEL', P .. 'session:' .. hash)
end
redis.call('DEL', set)
return count
`;

/** ARGV: P, token hash. → 1 when it existed */
export const DELETE_SESSION = `
local P = ARGV[1]
local key = P .. 'session:' .. ARGV[2]
local uid = redis.call('HGET', key, 'uid')
if not uid then return 0 end
redis.call('DEL', key)
redis.call('SREM', P .. 'sessions:' .. uid, ARGV[2])
return 1
`;

/** ARGV: P, code hash. → the code's fields, deleted in the same step, or nil */
export const TAKE_LINK_CODE = `
local P = ARGV[1]
local key = P .. 'link:' .. ARGV[2]
local flat = redis.call('HGETALL', key)
if #flat == 0 then return false end
redis.call('DEL', key)
redis.call('ZREM', P .. 'link-codes', ARGV[2])
return flat
`;

/**
 * ARGV: P, owner, name, data, now, cap. Appends to the owner's log under the next global id, keeps
 * the log at `cap` entries, and publishes the event on the bus in the same step, so every relay
 * hears of exactly the events that were written. → the event id
 */
export const APPEND_EVENT = `
local P = ARGV[1]
local owner = ARGV[2]
local stream = P .. 'events:' .. owner
local owners = P .. 'events:owners'
local seq = redis.call('INCR', P .. 'events:seq')
if redis.call('XLEN', stream) == 0 then redis.call('ZADD', owners, ARGV[5], owner) end
redis.call('XADD', stream, seq .. '-0', 'n', ARGV[3], 'd', ARGV[4], 't', ARGV[5])
if redis.call('XLEN', stream) > tonumber(ARGV[6]) then
  local head = redis.call('XRANGE', stream, '-', '+', 'COUNT', 1)[1]
  redis.call('XDEL', stream, head[1])
  redis.call('HSET', P .. 'events:floor', owner, string.match(head[1], '^(%d+)'))
  local next_head = redis.call('XRANGE', stream, '-', '+', 'COUNT', 1)[1]
  local fields = next_head[2]
  for i = 1, #fields, 2 do
    if fields[i] == 't' then redis.call('ZADD', owners, fields[i + 1], owner) end
  end
end
redis.call('PUBLISH', P .. 'bus', cjson.encode({ t = 'event', o = owner, i = tostring(seq), n = ARGV[3], d = ARGV[4] }))
return seq
`;

/**
 * ARGV: P, before, now, batch. Drops link codes expired at `now`, and events created before
 * `before` from the logs of up to `batch` owners (remembering the highest id dropped per owner).
 * → how many owners' logs were looked at (call again while it equals `batch`)
 */
export const PRUNE = `
local P = ARGV[1]
local before = tonumber(ARGV[2])
local codes = P .. 'link-codes'
for _, hash in ipairs(redis.call('ZRANGEBYSCORE', codes, '-inf', ARGV[3])) do redis.call('DEL', P .. 'link:' .. hash) end
redis.call('ZREMRANGEBYSCORE', codes, '-inf', ARGV[3])

local owners = P .. 'events:owners'
local list = redis.call('ZRANGEBYSCORE', owners, '-inf', '(' .. ARGV[2], 'LIMIT', 0, tonumber(ARGV[4]))
for _, owner in ipairs(list) do
  local stream = P .. 'events:' .. owner
  local dropped = nil
  local kept_at = nil
  while not kept_at do
    local entries = redis.call('XRANGE', stream, '-', '+', 'COUNT', 100)
    if #entries == 0 then break end
    for _, entry in ipairs(entries) do
      local at = nil
      local fields = entry[2]
      for i = 1, #fields, 2 do
        if fields[i] == 't' then at = fields[i + 1] end
      end
      if at and tonumber(at) >= before then
        kept_at = at
        break
      end
      redis.call('XDEL', stream, entry[1])
      dropped = entry[1]
    end
  end
  if dropped then redis.call('HSET', P .. 'events:floor', owner, string.match(dropped, '^(%d+)')) end
  if kept_at then
    redis.call('ZADD', owners, kept_at, owner)
  else
    redis.call('DEL', stream)
    redis.call('ZREM', owners, owner)
  end
end
return #list
`;
