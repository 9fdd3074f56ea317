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
