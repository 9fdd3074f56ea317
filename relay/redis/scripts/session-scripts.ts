/** The session scripts: sign-out of one session or all of a user's, and one-time link codes. */

/** ARGV: P, user id. → how many sessions there were */
export const DELETE_USER_SESSIONS = `
local P = ARGV[1]
local set = P .. 'sessions:' .. ARGV[2]
local count = 0
for _, hash in ipairs(redis.call('SMEMBERS', set)) do
  count = count + redis.call('DEL', P .. 'session:' .. hash)
  redis.call('ZREM', P .. 'sessions-seen', hash)
  redis.call('ZREM', P .. 'sessions-created', hash)
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
redis.call('ZREM', P .. 'sessions-seen', ARGV[2])
redis.call('ZREM', P .. 'sessions-created', ARGV[2])
return 1
`;

/** ARGV: P, token hash, now. Moves `seen` forward only, on a session that still exists. */
export const TOUCH_SESSION = `
local P = ARGV[1]
local key = P .. 'session:' .. ARGV[2]
local seen = redis.call('HGET', key, 'seen')
if not redis.call('HGET', key, 'uid') then return 0 end
if seen and tonumber(seen) >= tonumber(ARGV[3]) then return 0 end
redis.call('HSET', key, 'seen', ARGV[3])
redis.call('ZADD', P .. 'sessions-seen', ARGV[3], ARGV[2])
return 1
`;

/** ARGV: P, idle before, created before. → how many sessions were deleted */
export const PRUNE_SESSIONS = `
local P = ARGV[1]
local doomed = {}
for _, hash in ipairs(redis.call('ZRANGEBYSCORE', P .. 'sessions-seen', '-inf', '(' .. ARGV[2])) do doomed[hash] = true end
for _, hash in ipairs(redis.call('ZRANGEBYSCORE', P .. 'sessions-created', '-inf', '(' .. ARGV[3])) do doomed[hash] = true end
local count = 0
for hash in pairs(doomed) do
  local key = P .. 'session:' .. hash
  local uid = redis.call('HGET', key, 'uid')
  if uid then
    redis.call('DEL', key)
    redis.call('SREM', P .. 'sessions:' .. uid, hash)
    count = count + 1
  end
  redis.call('ZREM', P .. 'sessions-seen', hash)
  redis.call('ZREM', P .. 'sessions-created', hash)
end
return count
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
