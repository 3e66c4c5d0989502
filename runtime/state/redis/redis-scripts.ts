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
 * Takes a connection slot, or names the limit that refuses it (the checks and their order
 * are slot-rules.ts' admitToSlot; the thresholds come from there as arguments).
 * KEYS: every slot of the server, the address's, the network's, the address's good-client flag.
 * ARGV: slot id, lease ms, open slots for known clients, for others, per address, per network.
 * Returns {verdict, slots taken after the call}.
 */
export const ADMIT = script(`
for i = 1, 3 do redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now) end
local total = redis.call('ZCARD', KEYS[1])
local known = redis.call('EXISTS', KEYS[4]) == 1
local open = known and tonumber(ARGV[3]) or tonumber(ARGV[4])
if total >= open then return {'max-connections', total} end
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[5]) then return {'max-connections-per-address', total} end
if not known and redis.call('ZCARD', KEYS[3]) >= tonumber(ARGV[6]) then return {'max-connections-per-network', total} end
local expiry = now + tonumber(ARGV[2])
for i = 1, 3 do
  redis.call('ZADD', KEYS[i], expiry, ARGV[1])
  redis.call('PEXPIRE', KEYS[i], ARGV[2])
end
return {'ok', total + 1}
`);

/**
 * Extends the leases of the slots this process holds on one server (a slot whose lease ran
 * out meanwhile is not brought back: XX).
 * KEYS: every slot of the server, then (address, network) key pairs; ARGV: lease ms, then
 * the slot id of each pair. Returns the slots taken (for the stress flag).
 */
export const RENEW = script(`
local expiry = now + tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
for i = 2, #ARGV do
  local id = ARGV[i]
  local a = KEYS[2 * (i - 1)]
  local n = KEYS[2 * (i - 1) + 1]
  redis.call('ZADD', KEYS[1], 'XX', expiry, id)
  redis.call('ZADD', a, 'XX', expiry, id)
  redis.call('ZADD', n, 'XX', expiry, id)
  redis.call('PEXPIRE', a, ARGV[1])
  redis.call('PEXPIRE', n, ARGV[1])
end
if #ARGV > 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return redis.call('ZCARD', KEYS[1])
`);

/** Frees one slot. KEYS: every slot, the address's, the network's; ARGV: slot id. */
export const RELEASE = script(`
for i = 1, 3 do redis.call('ZREM', KEYS[i], ARGV[1]) end
return redis.call('ZCARD', KEYS[1])
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
