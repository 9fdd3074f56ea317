/** The event-log scripts: appending (and publishing) an event, and pruning old logs. */

/**
 * ARGV: P, owner, name, data, now, cap. Appends to the owner's log under the owner's next id (each
 * user's ids count on their own; a counter missing from before that rule starts at the old global
 * one, so no id goes backwards), keeps
 * the log at `cap` entries, and publishes the event on the bus in the same step, so every relay
 * hears of exactly the events that were written. → the event id
 */
export const APPEND_EVENT = `
local P = ARGV[1]
local owner = ARGV[2]
local stream = P .. 'events:' .. owner
local owners = P .. 'events:owners'
local counter = P .. 'events:seq:' .. owner
if redis.call('EXISTS', counter) == 0 then
  redis.call('SET', counter, redis.call('GET', P .. 'events:seq') or '0')
end
local seq = redis.call('INCR', counter)
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
