// Reverse DNS for connection and relay decisions: PTR, then forward confirmation (the
// A/AAAA records of the PTR name must contain the client address), bounded by a
// deadline, cached, coalesced, and failing closed.
//
// Caching: a confirmed or unconfirmed answer is cached for the TTL of the forward
// records (Node's resolver reports TTLs for A/AAAA but not for PTR), capped by maxTtlMs;
// "no PTR" is cached for negativeTtlMs; errors and timeouts are never cached, so the
// next connection asks again. The cache is an LRU bounded by maxEntries.
import type { ResolverConfig } from '../config/types.js';
import type { ReverseDnsResult } from '../policy/types.js';
import { createDnsResolver, NO_DATA_CODES } from './dns-resolver.js';
import { ExpiringLru } from './expiring-lru.js';
import { parseAddress } from '../../net/ip.js';

export interface ReverseLookup {
  lookup(address: string): Promise<ReverseDnsResult>;
  readonly cacheSize: number;
}

export interface ReverseLookupOptions {
  now?: () => number;
  /** Called once per lookup that went to the network, with its duration and outcome. */
  observe?: (seconds: number, result: ReverseDnsResult['status']) => void;
}

// PTR names come from whoever owns the client's address block: anything that is not a
// plain host name is treated as no name at all (it could carry CR/LF into logs).
const HOSTNAME = /^(?=.{1,253}\.?$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/i;

/** `4.3.2.1.in-addr.arpa` / nibble-reversed `ip6.arpa` name of an address. */
export function reverseName(address: string): string {
  const parsed = parseAddress(address);
  if (parsed === undefined) throw new Error(`not an IP address: ${address}`);
  if (parsed.family === 4) return `${[...parsed.bytes].reverse().join('.')}.in-addr.arpa`;
  const nibbles = parsed.bytes.flatMap((byte) => [byte >> 4, byte & 15]).map((n) => n.toString(16));
  return `${nibbles.reverse().join('.')}.ip6.arpa`;
}

export function createReverseLookup(config: ResolverConfig, options: ReverseLookupOptions = {}): ReverseLookup {
  const now = options.now ?? Date.now;
  const resolver = createDnsResolver(config);
  const cache = new ExpiringLru<ReverseDnsResult>(config.cache.maxEntries, now);
  const inFlight = new Map<string, Promise<ReverseDnsResult>>();

  async function resolveUncached(address: string): Promise<{ result: ReverseDnsResult; ttlMs: number }> {
    let names: string[];
    try {
      // resolvePtr, not reverse(): reverse() reports every failure (even a refused
      // connection to the DNS server) as ENOTFOUND, which would turn an outage into "no PTR"
      names = await resolver.resolvePtr(reverseName(address));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (NO_DATA_CODES.has(code)) return { result: { status: 'none' }, ttlMs: config.cache.negativeTtlMs };
      return { result: { status: 'error', reason: `PTR lookup failed: ${code || (error as Error).message}` }, ttlMs: 0 };
    }
    const name = names.find((n) => HOSTNAME.test(n));
    if (!name) return { result: { status: 'none' }, ttlMs: config.cache.negativeTtlMs };
    const normalizedName = name.toLowerCase().replace(/\.$/, '');
    // `address` is in net/'s normal form (lookup() made it so): equal addresses have equal text.
    const family = parseAddress(address)?.family;
    try {
      const records = family === 4 ? await resolver.resolve4(normalizedName, { ttl: true }) : await resolver.resolve6(normalizedName, { ttl: true });
      const confirmed = records.some((r) => parseAddress(r.address)?.text === address);
      const ttlSeconds = Math.min(...records.map((r) => r.ttl));
      const ttlMs = Math.min(config.cache.maxTtlMs, Math.max(0, ttlSeconds) * 1000);
      return { result: { status: 'found', name: normalizedName, confirmed }, ttlMs };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      // the name exists in reverse but not forward: a PTR that cannot be confirmed
      if (NO_DATA_CODES.has(code)) return { result: { status: 'found', name: normalizedName, confirmed: false }, ttlMs: config.cache.negativeTtlMs };
      return { result: { status: 'error', reason: `forward confirmation of ${normalizedName} failed: ${code || (error as Error).message}` }, ttlMs: 0 };
    }
  }

  function withDeadline(work: Promise<{ result: ReverseDnsResult; ttlMs: number }>): Promise<{ result: ReverseDnsResult; ttlMs: number }> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<{ result: ReverseDnsResult; ttlMs: number }>((resolve) => {
      timer = setTimeout(() => resolve({ result: { status: 'error', reason: `lookup timed out after ${config.timeoutMs} ms` }, ttlMs: 0 }), config.timeoutMs);
    });
    return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
  }

  return {
    get cacheSize() {
      return cache.size;
    },
    lookup(rawAddress: string): Promise<ReverseDnsResult> {
      const address = parseAddress(rawAddress)?.text;
      if (address === undefined) return Promise.resolve({ status: 'error', reason: `not an IP address: ${rawAddress}` });
      const cached = cache.get(address);
      if (cached) return Promise.resolve(cached);
      const pending = inFlight.get(address);
      if (pending) return pending;
      const started = process.hrtime.bigint();
      const promise = withDeadline(resolveUncached(address)).then(({ result, ttlMs }) => {
        inFlight.delete(address);
        cache.set(address, result, ttlMs);
        options.observe?.(Number(process.hrtime.bigint() - started) / 1e9, result.status);
        return result;
      });
      inFlight.set(address, promise);
      return promise;
    },
  };
}
