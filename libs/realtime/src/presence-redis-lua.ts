/**
 * Lua for the Redis presence store. Every script reads the clock with TIME, so expiry and
 * grace use Redis' clock, never a (possibly skewed) node's. Keys per user:
 *
 * - `conn:<userId>`   ZSET connectionId -> expiry (epoch ms)
 * - `info:<userId>`   HASH connectionId -> "<state>|<refreshedAtMs>|<nodeId>"
 * - `status:<userId>` HASH status, lastSeenAt, emptySince (last published status)
 * - `due`             ZSET userId -> when a sweeper must settle the user (nearest expiry,
 *                     or the end of the grace)
 */

const NOW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

/**
 * One user's operation, atomic within the script that calls it: applies the op ('upsert' |
 * 'remove' | 'settle'), drops expired connections, derives the status, compare-and-sets the
 * published one and the user's due time. Mirrors `settleRecord` in presence-memory-store.ts
 * step by step. Returns { changed 0|1, status, lastSeenAt (-1 = none), recheckInMs (-1 = none) }.
 */
const SETTLE_USER = `
local function settle_user(conn, info, statusKey, due, op, userId, grace, retention, connId, state, nodeId, ttl)
  local leftAt = nil
  if op == 'upsert' then
    redis.call('ZADD', conn, now + ttl, connId)
    redis.call('HSET', info, connId, state .. '|' .. string.format('%d', now) .. '|' .. nodeId)
  elseif op == 'remove' then
    if redis.call('ZREM', conn, connId) == 1 then leftAt = now end
    redis.call('HDEL', info, connId)
  end

  -- Expired connections (their node stopped heartbeating): the user was last seen alive at
  -- their last refresh.
  local expired = redis.call('ZRANGEBYSCORE', conn, '-inf', now)
  for _, id in ipairs(expired) do
    local v = redis.call('HGET', info, id)
    local refreshed = v and tonumber(string.match(v, '^%a+|(%d+)|'))
    if refreshed and (leftAt == nil or refreshed > leftAt) then leftAt = refreshed end
    redis.call('HDEL', info, id)
  end
  if #expired > 0 then redis.call('ZREMRANGEBYSCORE', conn, '-inf', now) end

  local active, idle = 0, 0
  for _, v in ipairs(redis.call('HVALS', info)) do
    if string.sub(v, 1, 7) == 'active|' then active = active + 1 else idle = idle + 1 end
  end

  local stored = redis.call('HMGET', statusKey, 'status', 'lastSeenAt', 'emptySince')
  local previous = stored[1] or 'offline'
  local lastSeen = tonumber(stored[2])
  local emptySince = tonumber(stored[3])
  local nextStatus, recheck = previous, nil
  if active > 0 or idle > 0 then
    if active > 0 then nextStatus = 'online' else nextStatus = 'away' end
    emptySince = nil
  elseif previous == 'offline' then
    emptySince = nil
  else
    if emptySince == nil then emptySince = leftAt or now end
    if now - emptySince >= grace then
      nextStatus = 'offline'
      lastSeen = emptySince
      emptySince = nil
    else
      recheck = emptySince + grace - now
    end
  end

  if stored[1] or nextStatus ~= 'offline' then
    redis.call('HSET', statusKey, 'status', nextStatus)
    if lastSeen then redis.call('HSET', statusKey, 'lastSeenAt', string.format('%d', lastSeen)) end
    if emptySince then
      redis.call('HSET', statusKey, 'emptySince', string.format('%d', emptySince))
    else
      redis.call('HDEL', statusKey, 'emptySince')
    end
    if nextStatus == 'offline' then redis.call('PEXPIRE', statusKey, retention) else redis.call('PERSIST', statusKey) end
  end

  local first = redis.call('ZRANGE', conn, 0, 0, 'WITHSCORES')
  if first[2] then
    redis.call('ZADD', due, first[2], userId)
  elseif recheck then
    redis.call('ZADD', due, emptySince + grace, userId)
  else
    redis.call('ZREM', due, userId)
  end

  local changed = 0
  if nextStatus ~= previous then changed = 1 end
  return { changed, nextStatus, lastSeen or -1, recheck or -1 }
end
`;

/**
 * KEYS: conn, info, status, due. ARGV: op, userId, graceMs, retentionMs, then for
 * upsert/remove: connectionId, state, nodeId, ttlMs. Returns settle_user's reply.
 */
export const USER_SCRIPT = `${NOW}${SETTLE_USER}
return settle_user(KEYS[1], KEYS[2], KEYS[3], KEYS[4], ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]),
  ARGV[5], ARGV[6], ARGV[7], tonumber(ARGV[8]))
`;

/**
 * KEYS: due, then conn and info of each entry. ARGV: ttlMs, nodeId, then userId,
 * connectionId, state per entry. Returns the users whose entry had to be re-created.
 */
export const REFRESH_SCRIPT = `${NOW}
local due = KEYS[1]
local expiry = now + tonumber(ARGV[1])
local nodeId = ARGV[2]
local recreated = {}
for i = 0, (#ARGV - 2) / 3 - 1 do
  local conn, info = KEYS[2 + i * 2], KEYS[3 + i * 2]
  local userId, id, state = ARGV[3 + i * 3], ARGV[4 + i * 3], ARGV[5 + i * 3]
  if redis.call('ZADD', conn, expiry, id) == 1 then table.insert(recreated, userId) end
  redis.call('HSET', info, id, state .. '|' .. string.format('%d', now) .. '|' .. nodeId)
  local first = redis.call('ZRANGE', conn, 0, 0, 'WITHSCORES')
  redis.call('ZADD', due, first[2], userId)
end
return recreated
`;

/**
 * KEYS: due. ARGV: keyPrefix (of the per-user keys), limit, graceMs, retentionMs. Settles up to
 * `limit` users whose due time has passed, in this one atomic step: each is rescheduled (grace
 * still running) or leaves `due`, so a sweep running at the same moment on another node gets
 * the next users, never these. The per-user keys are derived here, not passed as KEYS: fine on
 * one Redis (not Redis Cluster, which `due` already rules out).
 * Returns userId, changed, status, lastSeenAt, recheckInMs for each user, flattened.
 */
export const SWEEP_SCRIPT = `${NOW}${SETTLE_USER}
local due, prefix = KEYS[1], ARGV[1]
local limit, grace, retention = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local out = {}
for _, userId in ipairs(redis.call('ZRANGEBYSCORE', due, '-inf', now, 'LIMIT', 0, limit)) do
  local r = settle_user(prefix .. 'conn:' .. userId, prefix .. 'info:' .. userId, prefix .. 'status:' .. userId, due,
    'settle', userId, grace, retention)
  table.insert(out, userId)
  for _, v in ipairs(r) do table.insert(out, v) end
end
return out
`;

/** KEYS: conn, info. Counts of unexpired connections. Returns { active, idle }. */
export const AGGREGATE_SCRIPT = `${NOW}
local active, idle = 0, 0
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. string.format('%d', now), '+inf')) do
  local v = redis.call('HGET', KEYS[2], id)
  if v and string.sub(v, 1, 7) == 'active|' then active = active + 1 elseif v then idle = idle + 1 end
end
return { active, idle }
`;
