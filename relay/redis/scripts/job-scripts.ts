/** The job scripts: create, activate, find, list, claim, renew, release, finish and requeue one job. */
import { JOB_PRELUDE } from "./job-prelude";

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
m.parts = nil
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
 * language, '1' when the language is not null; for failed: the message and the failure kind ('' when
 * unknown). → {outcome, job?}
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
    if ARGV[8] ~= '' then m.failKind = ARGV[8] else m.failKind = nil end
  end
  m.finishedAt = ARGV[5]
  m.leaseExp = nil
  m.delivered = '0'
  m.parts = nil
m.parts = nil
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
m.failKind = nil
m.finishedAt = nil
m.delivered = '0'
m.parts = nil
m.lockUntil = nil
m.attempts = '0'
m.statusKind = 'waiting'
save(id, m)
return flatten(m)
`;
