/**
 * The export scripts. Keys: `export:<token hash>` is a hash (owner, name, format, body, created,
 * expires, left) that Redis itself drops at its expiry (PEXPIRE, relative to the caller's `now`);
 * `exports:<owner>` is a sorted set of the owner's token hashes scored by expiry, for the per-user cap.
 */

/** ARGV: P, token hash, owner, name, format, body, created, expires, left, max per user, now. → 1 saved, 0 too many */
export const SAVE_EXPORT = `
local P = ARGV[1]
local index = P .. 'exports:' .. ARGV[3]
local now = tonumber(ARGV[11])
redis.call('ZREMRANGEBYSCORE', index, '-inf', now)
if redis.call('ZCARD', index) >= tonumber(ARGV[10]) then return 0 end
local key = P .. 'export:' .. ARGV[2]
local ttl = math.max(1, tonumber(ARGV[8]) - now)
redis.call('HSET', key, 'owner', ARGV[3], 'name', ARGV[4], 'format', ARGV[5], 'body', ARGV[6], 'created', ARGV[7], 'expires', ARGV[8], 'left', ARGV[9])
redis.call('PEXPIRE', key, ttl)
redis.call('ZADD', index, ARGV[8], ARGV[2])
if redis.call('PTTL', index) < ttl then redis.call('PEXPIRE', index, ttl) end
return 1
`;

/** ARGV: P, token hash, now, take (1: count a download, 0: only look). → the hash's fields as a flat list (with `left` after this call), or false */
export const TAKE_EXPORT = `
local P = ARGV[1]
local key = P .. 'export:' .. ARGV[2]
local fields = redis.call('HGETALL', key)
if #fields == 0 then return false end
local record = {}
for i = 1, #fields, 2 do record[fields[i]] = fields[i + 1] end
local left = tonumber(record.left)
if tonumber(record.expires) <= tonumber(ARGV[3]) or left <= 0 then
  redis.call('DEL', key)
  redis.call('ZREM', P .. 'exports:' .. record.owner, ARGV[2])
  return false
end
if ARGV[4] == '1' then
  left = left - 1
  if left <= 0 then
    redis.call('DEL', key)
    redis.call('ZREM', P .. 'exports:' .. record.owner, ARGV[2])
  else
    redis.call('HSET', key, 'left', left)
  end
end
return {'owner', record.owner, 'name', record.name, 'format', record.format, 'body', record.body, 'created', record.created, 'expires', record.expires, 'left', tostring(left)}
`;

/** ARGV: P, owner, now. → the owner's live exports */
export const COUNT_USER_EXPORTS = `
local index = ARGV[1] .. 'exports:' .. ARGV[2]
redis.call('ZREMRANGEBYSCORE', index, '-inf', ARGV[3])
return redis.call('ZCARD', index)
`;
