/** The session scripts: sign-out of one session or all of a user's, and one-time link codes. */

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
