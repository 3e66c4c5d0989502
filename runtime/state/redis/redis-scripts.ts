// The Lua scripts of the Redis shared state. Each decision is one script, and Redis runs a
// script as one atomic step: the count and the change it decides can never be interleaved
// with another host's, which is what makes a per-address limit of 5 admit exactly 5.
// Time is Redis's own (TIME), not the hosts' clocks, so leases and windows mean the same
// on every host however their clocks drift.
//
// Why our own scripts and not rate-limiter-flexible: that library counts events per key
// (a fixed or sliding window), which fits rateHit but not the rest: a connection slot is a
// lease that must be held, renewed and released (not an event), admission checks three
// counts and a known-client flag in one step (slot-rules.ts), and the login throttle's
// lockout combines three windows with the user's own networks (auth-throttle.ts). Three
// small scripts over sorted sets say all of that directly, with one client (node-redis).
import { createHash } from 'node:crypto';

/** Redis's clock in milliseconds, as the first lines of every script. */
const NOW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

export interface LuaScript {
  source: string;
  sha1: string;
}

function script(body: string): LuaScript {
  const source = `${NOW}\n${body.trim()}\n`;
  return { source, sha1: createHash('sha1').update(source).digest('hex') };
}

/**
 * The connection slots, kept per process lease (redis-lease.ts says why this is exact):
 *  - KEYS[1], a sorted set: every live lease (a process, or a process's epoch after it lost
 *    one), scored by when it expires;
 *  - KEYS[2], a hash: the slots taken, per field (`<server>|t` every slot of a server,
 *    `<server>|a|<address>`, `<server>|n|<network>`), summed over every lease in KEYS[1];
 *  - `<lease prefix><lease>`, a hash per lease: the same fields, this lease's share.
 * Invariant, kept by every script below in one atomic step: KEYS[2][f] is the sum over the
 * leases in KEYS[1] of their hash's f. A lease that expires is reaped (its share subtracted,
 * its hash and member removed) by the next script that looks, so a dead process's slots
 * disappear with its lease and no slot is ever counted twice or left behind.
 */
const LEASES = `
local leases, slots, leasePrefix = KEYS[1], KEYS[2], ARGV[1]
local function subtract(field, n)
  if redis.call('HINCRBY', slots, field, -n) <= 0 then redis.call('HDEL', slots, field) end
end
local function drop(id)
  local held = redis.call('HGETALL', leasePrefix .. id)
  local freed = 0
  for i = 1, #held, 2 do
    local n = tonumber(held[i + 1])
    subtract(held[i], n)
    if string.sub(held[i], -2) == '|t' then freed = freed + n end
  end
  redis.call('DEL', leasePrefix .. id)
  redis.call('ZREM', leases, id)
  return freed
end
local function reap()
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', leases, '-inf', now)) do drop(id) end
end
-- drops every lease whose name starts with owner (one process's, or one state's epochs)
local function dropOwned(owner)
  local freed = 0
  for _, id in ipairs(redis.call('ZRANGE', leases, 0, -1)) do
    if string.sub(id, 1, #owner) == owner then freed = freed + drop(id) end
  end
  return freed
end
-- frees one slot of a lease: only what the lease's own hash holds (a slot of a lease that
-- was reaped meanwhile is no longer counted anywhere)
local function free(id, field)
  local key = leasePrefix .. id
  local n = tonumber(redis.call('HGET', key, field) or '0')
  if n <= 0 then return end
  if n == 1 then redis.call('HDEL', key, field) else redis.call('HINCRBY', key, field, -1) end
  subtract(field, 1)
end
-- frees the lease's slots listed from ARGV[first]: (total field, address field, network field) each
local function freeAll(id, first)
  for i = first, #ARGV do free(id, ARGV[i]) end
end
`;

/**
 * Frees the slots given (queued by a process since its last script), then takes a slot, or
 * names the limit that refuses it (the checks and their order are slot-rules.ts'
 * admitToSlot; the thresholds come from there as arguments). Extends the lease.
 * KEYS: leases, slots, the address's good-client flag.
 * ARGV: lease prefix, lease, lease ms, '1' while the lease is new (created here when absent;
 * otherwise an absent lease was reaped: 'lease-lost'), the total / address / network fields,
 * open slots for known clients, for others, per address, per network, then the fields of the
 * lease's slots to free (three a slot).
 * Returns {verdict, slots of the server taken after the call}.
 */
export const ADMIT = script(`${LEASES}
local me = ARGV[2]
reap()
freeAll(me, 12)
local known = redis.call('EXISTS', KEYS[3]) == 1
local counts = redis.call('HMGET', slots, ARGV[5], ARGV[6], ARGV[7])
local total = tonumber(counts[1] or '0')
if not redis.call('ZSCORE', leases, me) and ARGV[4] ~= '1' then return {'lease-lost', total} end
redis.call('ZADD', leases, now + tonumber(ARGV[3]), me)
local open = known and tonumber(ARGV[8]) or tonumber(ARGV[9])
if total >= open then return {'max-connections', total} end
if tonumber(counts[2] or '0') >= tonumber(ARGV[10]) then return {'max-connections-per-address', total} end
if not known and tonumber(counts[3] or '0') >= tonumber(ARGV[11]) then return {'max-connections-per-network', total} end
for i = 5, 7 do
  redis.call('HINCRBY', slots, ARGV[i], 1)
  redis.call('HINCRBY', leasePrefix .. me, ARGV[i], 1)
end
return {'ok', total + 1}
`);

/** Frees slots of a lease. KEYS: leases, slots; ARGV: lease prefix, lease, then the slots as ADMIT's. Returns 1. */
export const RELEASE = script(`${LEASES}
freeAll(ARGV[2], 3)
return 1
`);

/**
 * Extends a lease, after reaping the expired ones (so a dead process's slots come free
 * within a lease even when no connection arrives). KEYS: leases, slots; ARGV: lease prefix,
 * lease, lease ms, then total fields. Returns {1 extended / 0 reaped already, the slots
 * taken of each total field}.
 */
export const RENEW = script(`${LEASES}
reap()
local alive = 0
if redis.call('ZSCORE', leases, ARGV[2]) then
  redis.call('ZADD', leases, now + tonumber(ARGV[3]), ARGV[2])
  alive = 1
end
local reply = {alive}
for i = 4, #ARGV do reply[#reply + 1] = tonumber(redis.call('HGET', slots, ARGV[i]) or '0') end
return reply
`);

/**
 * Drops every lease of one process (its slots come free at once): the primary of
 * `serve --workers` when a worker died, a process that closes. KEYS: leases, slots;
 * ARGV: lease prefix, the process's prefix of lease names. Returns the slots freed.
 */
export const DROP_PROCESS = script(`${LEASES}
return dropOwned(ARGV[2])
`);

/**
 * Replaces every lease of one process's state (all its epochs) by a new lease holding
 * exactly the slots the process holds now: after a script whose outcome is unknown (a
 * timeout, a cut connection), or a lease reaped while the process lived. KEYS: leases,
 * slots; ARGV: lease prefix, the state's prefix of lease names, the new lease, lease ms,
 * then (field, count) pairs. Returns the slots freed by the drop.
 */
export const RESYNC = script(`${LEASES}
local freed = dropOwned(ARGV[2])
redis.call('ZADD', leases, now + tonumber(ARGV[4]), ARGV[3])
for i = 5, #ARGV, 2 do
  local n = tonumber(ARGV[i + 1])
  redis.call('HINCRBY', slots, ARGV[i], n)
  redis.call('HINCRBY', leasePrefix .. ARGV[3], ARGV[i], n)
end
return freed
`);

/**
 * Is AUTH refused outright (auth-throttle.ts' isLockedOut)?
 * KEYS: failures of the network, of (user, network), of the user; the (user, network) known flag.
 * ARGV: limit, window ms, '1' when the user is known. Returns 1 or 0.
 */
export const LOCKED_OUT = script(`
local limit = tonumber(ARGV[1])
if limit <= 0 then return 0 end
local cutoff = now - tonumber(ARGV[2])
local function recent(k)
  redis.call('ZREMRANGEBYSCORE', k, '-inf', cutoff)
  return redis.call('ZCARD', k)
end
if recent(KEYS[1]) >= limit then return 1 end
if ARGV[3] ~= '1' then return 0 end
local here = recent(KEYS[2])
if here >= limit then return 1 end
if here > 0 and recent(KEYS[3]) >= limit and redis.call('EXISTS', KEYS[4]) == 0 then return 1 end
return 0
`);

/**
 * Records a failed login in the three windows (auth-throttle.ts' recordFailure); the verdict
 * is failureVerdict() of the counts returned.
 * KEYS: as LOCKED_OUT. ARGV: window ms, a member unique to this failure.
 * Returns {per network, per (user, network), per user, known network 1/0}.
 */
export const RECORD_FAILURE = script(`
local window = tonumber(ARGV[1])
local cutoff = now - window
local counts = {}
for i = 1, 3 do
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', cutoff)
  redis.call('ZADD', KEYS[i], now, ARGV[2])
  redis.call('PEXPIRE', KEYS[i], window)
  counts[i] = redis.call('ZCARD', KEYS[i])
end
counts[4] = redis.call('EXISTS', KEYS[4])
return counts
`);

/**
 * A successful login: the (user, network) failures are forgotten and the network is the
 * user's own for a while. KEYS: (user, network) failures, its known flag; ARGV: known ms.
 */
export const RECORD_SUCCESS = script(`
redis.call('DEL', KEYS[1])
redis.call('SET', KEYS[2], now, 'PX', ARGV[1])
return 1
`);

/** Frees a lock this process holds (and only then). KEYS: the lock; ARGV: its token. */
export const UNLOCK = script(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);

/**
 * Counts one event in the key's current window, unless the window is full. A window opens
 * with the first event of its key and lasts the period, as the one-host store counts
 * (rate-windows.ts, after Postfix's anvil), so `on-unreachable local` refuses the same
 * events; a refused event is not counted and does not prolong the window.
 * KEYS: the counter; ARGV: limit, period ms. Returns {1 allowed / 0 refused, ms until the
 * window ends when refused}.
 */
export const RATE_HIT = script(`
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n >= tonumber(ARGV[1]) then return {0, math.max(redis.call('PTTL', KEYS[1]), 0)} end
if n == 0 then redis.call('SET', KEYS[1], 1, 'PX', ARGV[2]) else redis.call('INCR', KEYS[1]) end
return {1, 0}
`);
