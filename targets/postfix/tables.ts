// The lookup tables of a server's lists. Addresses go into `cidr:` tables (Postfix matches
// them by longest prefix, as our trie does); domain entries into `texthash:` tables, which
// need no `postmap`. A domain is written twice, as NAME and .NAME, so it matches the name and
// every name under it whatever `parent_domain_matches_subdomains` says. Each entry is
// preceded by the policy line it came from (tables allow comments on their own lines only).
import type { AddressItem } from '../../runtime/config/types.js';

export interface ListTables {
  cidr: string | null;
  domains: string | null;
}

function table(what: string, lines: string[]): string | null {
  if (lines.length === 0) return null;
  return `# ${what}: written by smtppolicy compile --target postfix; do not edit\n${lines.join('\n')}\n`;
}

export function listTables(entries: readonly AddressItem[], action: 'OK' | 'REJECT', what: string): ListTables {
  const cidrs: string[] = [];
  const domains: string[] = [];
  for (const item of entries) {
    if (item.kind === 'cidr') {
      cidrs.push(`# ${item.source}`, `${item.cidr} ${action}`);
    } else {
      const domain = item.domain.toLowerCase().replace(/\.$/, '');
      domains.push(`# ${item.source}`, `${domain} ${action}`, `.${domain} ${action}`);
    }
  }
  return { cidr: table(what, cidrs), domains: table(`${what}, domain entries (matched against the forward-confirmed client name)`, domains) };
}
