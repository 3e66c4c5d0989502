// Matches a client against one address list (connection list, relay grants): CIDR entries
// through a trie, domain entries through a map of names looked up suffix by suffix, so the
// cost of a match does not grow with the number of entries.
import type { AddressItem, CidrItem, DomainItem } from '../config/types.js';
import { parseCidr, type ParsedAddress } from '../../net/ip.js';
import { CidrTrie } from '../../net/cidr-trie.js';

export class AddressMatcher {
  readonly #cidrs = new CidrTrie<CidrItem>();
  readonly #domains = new Map<string, DomainItem>();
  readonly cidrCount: number;
  readonly domainCount: number;

  /** Throws when an entry is malformed, naming the entry's source. */
  constructor(items: readonly AddressItem[]) {
    let cidrs = 0;
    for (const item of items) {
      if (item.kind === 'cidr') {
        const network = parseCidr(item.cidr);
        if (network === undefined) {
          throw new Error(`${item.source}: expected a CIDR network, found ${JSON.stringify(item.cidr)}`);
        }
        this.#cidrs.insert(network.family, network.bytes, network.prefix, item);
        cidrs++;
      } else {
        const name = normalizeDomainName(item.domain);
        if (!this.#domains.has(name)) this.#domains.set(name, item);
      }
    }
    this.cidrCount = cidrs;
    this.domainCount = this.#domains.size;
  }

  /** The most specific CIDR entry containing the address. */
  matchAddress(address: ParsedAddress): CidrItem | undefined {
    return this.#cidrs.lookupValue(address.family, address.bytes);
  }

  /**
   * The domain entry a (forward-confirmed) PTR name falls under: the name itself or its
   * nearest parent domain. Case-insensitive; trailing dots ignored.
   */
  matchName(ptrName: string): DomainItem | undefined {
    let name = normalizeDomainName(ptrName);
    for (;;) {
      const item = this.#domains.get(name);
      if (item !== undefined) return item;
      const dot = name.indexOf('.');
      if (dot < 0) return undefined;
      name = name.slice(dot + 1);
    }
  }
}

/** Lower case, without trailing dots: the form names are compared in. */
export function normalizeDomainName(name: string): string {
  return name.toLowerCase().replace(/\.+$/, '');
}
