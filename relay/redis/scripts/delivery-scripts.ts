/** The delivery scripts: the lock that lets exactly one relay edit the chat, and its outcome. */
import { JOB_PRELUDE } from "./job-prelude";

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

/** ARGV: P, id. Delivery failed for good: \`delivered\` '2' keeps the job out of the queue (save indexes only '0'). */
export const MARK_DELIVERY_FAILED = `${JOB_PRELUDE}
local id = ARGV[2]
local m = load(id)
if not m or m.delivered ~= '0' then return 0 end
unindex(id, m)
m.delivered = '2'
m.lockUntil = nil
save(id, m)
return 1
`;

/** ARGV: P, id. A delivery that failed for good goes back to the queue, attempts reset, parts kept. → job or nil */
export const REDELIVER = `${JOB_PRELUDE}
local id = ARGV[2]
local m = load(id)
if not m or m.delivered ~= '2' then return false end
unindex(id, m)
m.delivered = '0'
m.lockUntil = nil
m.attempts = '0'
save(id, m)
return flatten(m)
`;

/** ARGV: P, id, until. Like DEFER_DELIVERY, and the attempt the lock counted is given back (a 429). */
export const POSTPONE_DELIVERY = `${JOB_PRELUDE}
local id = ARGV[2]
local m = load(id)
if not m or m.delivered ~= '0' then return 0 end
unindex(id, m)
m.lockUntil = ARGV[3]
local attempts = tonumber(m.attempts or '0') - 1
if attempts < 0 then attempts = 0 end
m.attempts = tostring(attempts)
save(id, m)
return 1
`;

/** ARGV: P, id, part index, message id. Parts are a JSON object of strings, so every digit is kept. */
export const RECORD_DELIVERY_PART = `${JOB_PRELUDE}
local id = ARGV[2]
local m = load(id)
if not m then return 0 end
local parts = {}
if m.parts then parts = cjson.decode(m.parts) end
parts[ARGV[3]] = ARGV[4]
m.parts = cjson.encode(parts)
unindex(id, m)
save(id, m)
return 1
`;
