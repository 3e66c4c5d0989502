// MTA-STS discovery for direct delivery (RFC 8461 §3, §5): the `_mta-sts.<domain>` TXT
// record through the policy's resolver, then the policy over HTTPS from
// `mta-sts.<domain>` (a certificate valid for that name, no redirects, text/plain, at
// most 64 KiB), cached until its max_age. A policy that cannot be refreshed is kept while
// it is valid (§5.1: an attacker who blocks the fetch must not be able to remove it); a
// domain with no policy, or one never fetched, is delivered as usual (opportunistic TLS).
//
// The cache lives in memory: after a restart (or a reload, which builds a new one) a policy
// is fetched again, the RFC's first-contact case. A persistent cache would also hold a
// policy across a restart during an attack on the fetch; not done yet.
import { request } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { addressesOf } from '../dns/mail-exchangers.js';
import { dnsErrorCode, NO_DATA_CODES, type DnsResolver } from '../dns/dns-resolver.js';
import { ExpiringLru } from '../dns/expiring-lru.js';
import { parseStsPolicy, parseStsRecord, type MtaStsPolicy } from './mta-sts-policy.js';

const MAX_POLICY_BYTES = 64 * 1024;
/** Domains whose policy is remembered; the least recently used is forgotten first. */
const MAX_CACHED_POLICIES = 10_000;

export interface MtaStsOptions {
  resolver: DnsResolver;
  /** The whole fetch (connect, TLS, response) must finish within this; default 10 s. */
  timeoutMs?: number;
  /**
   * Trusted CA certificates instead of Node's bundled roots. Only a test sets it, through
   * startDeliveryWorker's options: no policy, config or command line reaches it.
   */
  ca?: string | Buffer;
  now?: () => number;
}

export interface MtaStsAnswer {
  /** The policy in force for the domain, or null: deliver with opportunistic TLS. */
  policy: MtaStsPolicy | null;
  /** Why a published policy is not used or is an older copy; for the logs. */
  note: string | null;
}

interface Cached {
  id: string;
  policy: MtaStsPolicy;
}

export class MtaSts {
  readonly #options: MtaStsOptions;
  /** Valid policies by domain, each until its max_age. */
  readonly #cache: ExpiringLru<Cached>;
  readonly #inFlight = new Map<string, Promise<MtaStsAnswer>>();

  constructor(options: MtaStsOptions) {
    this.#options = options;
    this.#cache = new ExpiringLru<Cached>(MAX_CACHED_POLICIES, options.now ?? Date.now);
  }

  /** The policy for a domain; concurrent callers for one domain share one lookup. */
  policyFor(domain: string): Promise<MtaStsAnswer> {
    const pending = this.#inFlight.get(domain);
    if (pending) return pending;
    const lookup = this.#discover(domain).finally(() => this.#inFlight.delete(domain));
    this.#inFlight.set(domain, lookup);
    return lookup;
  }

  async #discover(domain: string): Promise<MtaStsAnswer> {
    const valid = this.#cache.get(domain);
    let id: string | null;
    try {
      id = parseStsRecord(await this.#options.resolver.resolveTxt(`_mta-sts.${domain}`));
    } catch (error) {
      const code = dnsErrorCode(error);
      if (NO_DATA_CODES.has(code)) id = null;
      else return { policy: valid?.policy ?? null, note: `MTA-STS TXT lookup failed: ${code}` };
    }
    if (id === null || (valid && valid.id === id)) return { policy: valid?.policy ?? null, note: null };
    try {
      const policy = await this.#fetch(domain);
      this.#cache.set(domain, { id, policy }, policy.maxAgeSeconds * 1000);
      return { policy, note: null };
    } catch (error) {
      const reason = `MTA-STS policy of ${domain} could not be fetched: ${(error as Error).message}`;
      return { policy: valid?.policy ?? null, note: valid ? `${reason}; the cached policy applies` : reason };
    }
  }

  #fetch(domain: string): Promise<MtaStsPolicy> {
    const host = `mta-sts.${domain}`;
    const timeoutMs = this.#options.timeoutMs ?? 10_000;
    return new Promise<MtaStsPolicy>((resolve, reject) => {
      const req = request(
        {
          host,
          port: 443,
          path: '/.well-known/mta-sts.txt',
          method: 'GET',
          servername: host,
          lookup: lookupThrough(this.#options.resolver),
          minVersion: 'TLSv1.2',
          rejectUnauthorized: true,
          ...(this.#options.ca !== undefined ? { ca: this.#options.ca } : {}),
          headers: { accept: 'text/plain' },
          agent: false,
          timeout: timeoutMs,
        },
        (res) => {
          if (res.statusCode !== 200) {
            res.resume();
            reject(new Error(`HTTP ${res.statusCode ?? '?'} (a policy is only read from a 200 answer; redirects are not followed)`));
            return;
          }
          const type = res.headers['content-type'] ?? '';
          if (!/^text\/plain\b/i.test(type)) {
            res.resume();
            reject(new Error(`content type ${JSON.stringify(type)}, expected text/plain`));
            return;
          }
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_POLICY_BYTES) req.destroy(new Error(`the policy is larger than ${MAX_POLICY_BYTES} bytes`));
            else chunks.push(chunk);
          });
          res.on('end', () => {
            const parsed = parseStsPolicy(Buffer.concat(chunks).toString('utf8'));
            if ('error' in parsed) reject(new Error(`invalid policy: ${parsed.error}`));
            else resolve(parsed);
          });
          res.on('error', reject);
        },
      );
      const deadline = setTimeout(() => req.destroy(new Error(`no complete answer within ${timeoutMs} ms`)), timeoutMs);
      req.on('close', () => clearTimeout(deadline));
      req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end();
    });
  }
}

/** A `lookup` for node:net that asks the policy's resolver, not the system's. */
export function lookupThrough(resolver: DnsResolver): LookupFunction {
  return (hostname, options, callback) => {
    addressesOf(resolver, hostname).then(
      (found) => {
        if ('error' in found || found.addresses.length === 0) {
          const error: NodeJS.ErrnoException = new Error('error' in found ? found.error : `${hostname} has no address records`);
          error.code = 'ENOTFOUND';
          callback(error, '', 4);
          return;
        }
        const all = found.addresses.map((address) => ({ address, family: isIP(address) }));
        if (options.all) callback(null, all);
        else callback(null, all[0]!.address, all[0]!.family);
      },
      (error: Error) => callback(error, '', 4),
    );
  };
}
