/** The retention script: deletes finished jobs (and their audio references) past the retention. */
import { JOB_PRELUDE } from "./job-prelude";

/**
 * ARGV: P, finished before, then job ids (a page of a SCAN). Each job that is done, failed or
 * expired and finished before the cut-off is deleted with its indexes and message references.
 * → how many were deleted
 */
export const PURGE_FINISHED_JOBS = `${JOB_PRELUDE}
local before = tonumber(ARGV[2])
local count = 0
for i = 3, #ARGV do
  local id = ARGV[i]
  local m = load(id)
  if m and is_final(m.state) and m.finishedAt and tonumber(m.finishedAt) < before then
    unindex(id, m)
    redis.call('DEL', JOB .. id)
    if m.chat and m.src and redis.call('HGET', BY_SOURCE, m.chat .. ':' .. m.src) == id then redis.call('HDEL', BY_SOURCE, m.chat .. ':' .. m.src) end
    if m.chat and m.statusMsg and redis.call('HGET', BY_STATUS, m.chat .. ':' .. m.statusMsg) == id then redis.call('HDEL', BY_STATUS, m.chat .. ':' .. m.statusMsg) end
    count = count + 1
  end
end
return count
`;
