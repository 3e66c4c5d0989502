// The Public Suffix List (publicsuffix.org), through `tldts`, which ships the list and
// follows its updates: names under which anyone may register a name of their own (`com`,
// `co.uk`, and private-section suffixes such as `github.io`). A domain entry that IS a
// public suffix — including one made so by a wildcard rule (`*.ck` makes every name
// directly under `ck` one) — matches names that strangers can create and point their own
// PTR records at. A registrable domain (`partner.co.uk`) belongs to one registrant and is
// not a public suffix: relay-grant-by-domain speaks about those.

import { parse } from 'tldts';

/**
 * The public suffix `domain` is, or undefined when it has a registrable part or is not on
 * the list at all (`example`, `internal`, `local` are reserved or private names, not
 * suffixes anyone can register under).
 */
export function publicSuffixOf(domain: string): string | undefined {
  const name = domain.toLowerCase().replace(/\.+$/, '');
  const parsed = parse(name, { allowPrivateDomains: true });
  if (parsed.domain !== null || parsed.publicSuffix !== name) return undefined;
  return parsed.isIcann === true || parsed.isPrivate === true ? name : undefined;
}
