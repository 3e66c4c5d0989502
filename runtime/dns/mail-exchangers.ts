// Where mail for a domain goes (RFC 5321 §5.1): its MX hosts by preference, hosts of equal
// preference in random order (so that they share the load), each with its addresses; a
// domain without MX records is its own mail host (the "implicit MX": its A/AAAA records);
// a null MX (RFC 7505: one record, `0 .`) says the domain accepts no mail at all.
//
// Every lookup goes to the resolver the caller built from the policy (createDnsResolver).
// "No such record" is an answer; a timeout or a refused query is an outage and is reported
// as such, so that the message is deferred rather than bounced.
import type { DnsResolver } from './dns-resolver.js';
import { dnsErrorCode, NO_DATA_CODES } from './dns-resolver.js';

export interface MailHost {
  /** The MX host name (lower-case, no trailing dot), or the domain itself for an implicit MX. */
  name: string;
  preference: number;
  /** IPv4 addresses first, then IPv6, in the order the resolver gave them. */
  addresses: string[];
}

export type MailExchangers =
  /** The hosts to try, in order; never empty. */
  | { kind: 'hosts'; hosts: MailHost[]; implicit: boolean }
  /** RFC 7505: the domain declares that it accepts no mail. */
  | { kind: 'null-mx' }
  /** The domain does not exist, or has neither MX nor address records: permanent. */
  | { kind: 'no-mail-domain'; reason: string }
  /** A lookup failed (timeout, SERVFAIL, refused): temporary. */
  | { kind: 'error'; reason: string };

export async function findMailExchangers(resolver: DnsResolver, domain: string, random: () => number = Math.random): Promise<MailExchangers> {
  let records: { exchange: string; priority: number }[];
  try {
    records = await resolver.resolveMx(domain);
  } catch (error) {
    const code = dnsErrorCode(error);
    if (code === 'ENOTFOUND') return { kind: 'no-mail-domain', reason: `domain ${domain} does not exist (NXDOMAIN)` };
    if (code !== 'ENODATA') return { kind: 'error', reason: `MX lookup for ${domain} failed: ${code}` };
    records = [];
  }
  const exchanges = records.map((r) => ({ name: normalizeName(r.exchange), preference: r.priority }));
  if (exchanges.length === 1 && exchanges[0]!.name === '') return { kind: 'null-mx' };
  const named = exchanges.filter((e) => e.name !== ''); // a null MX beside real ones is ignored (RFC 7505 §3)

  if (named.length === 0) {
    const found = await addressesOf(resolver, domain);
    if ('error' in found) return { kind: 'error', reason: found.error };
    if (found.addresses.length === 0) return { kind: 'no-mail-domain', reason: `domain ${domain} has no MX and no address records` };
    return { kind: 'hosts', hosts: [{ name: domain, preference: 0, addresses: found.addresses }], implicit: true };
  }

  const ordered = byPreference(named, random);
  const looked = await Promise.all(ordered.map(async (host) => ({ host, found: await addressesOf(resolver, host.name) })));
  const hosts: MailHost[] = [];
  const failures: string[] = [];
  for (const { host, found } of looked) {
    if ('error' in found) failures.push(found.error);
    else if (found.addresses.length > 0) hosts.push({ ...host, addresses: found.addresses });
    else failures.push(`MX host ${host.name} has no address records`);
  }
  if (hosts.length > 0) return { kind: 'hosts', hosts, implicit: false };
  // an MX host without an address may be a DNS change in progress: defer, never bounce
  return { kind: 'error', reason: `no MX host of ${domain} could be resolved: ${failures.join('; ')}` };
}

/** The A then AAAA records of a name; an empty list when it has none. */
export async function addressesOf(resolver: DnsResolver, name: string): Promise<{ addresses: string[] } | { error: string }> {
  const results = await Promise.allSettled([resolver.resolve4(name), resolver.resolve6(name)]);
  const addresses: string[] = [];
  for (const [index, result] of results.entries()) {
    if (result.status === 'fulfilled') {
      addresses.push(...result.value);
      continue;
    }
    const code = dnsErrorCode(result.reason);
    if (!NO_DATA_CODES.has(code)) return { error: `${index === 0 ? 'A' : 'AAAA'} lookup for ${name} failed: ${code}` };
  }
  return { addresses };
}

function normalizeName(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

/** Lowest preference first; within one preference a random order (RFC 5321 §5.1). */
function byPreference<T extends { preference: number }>(hosts: T[], random: () => number): T[] {
  const shuffled = [...hosts];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
  }
  // Array.prototype.sort is stable: the shuffle decides the order within a preference
  return shuffled.sort((a, b) => a.preference - b.preference);
}
