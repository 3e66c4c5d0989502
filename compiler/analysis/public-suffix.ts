// The Public Suffix List (publicsuffix.org), through `tldts`, which ships the list and
// follows its updates: names under which anyone may register a name of their own (`com`,
// `co.uk`, and private-section suffixes such as `github.io`). A domain entry that IS a
// public suffix — including one made so by a wildcard rule (`*.ck` makes every name
// directly under `ck` one) — matches names that strangers can create and point their own
// PTR records at. A registrable domain (`partner.co.uk`) belongs to one registrant and is
// not a public suffix: relay-grant-by-domain speaks about those.

import { parse } from 'tldts';

/** Enough for the domain entries of any real policy; a policy with more only asks tldts again. */
const MAX_REMEMBERED = 50_000;
const answers = new Map<string, string | undefined>();

/**
 * The public suffix `domain` is, or undefined when it has a registrable part or is not on
 * the list at all (`example`, `internal`, `local` are reserved or private names, not
 * suffixes anyone can register under).
 */
export function publicSuffixOf(domain: string): string | undefined {
  // Two rules ask about every domain entry of every server, and the language server lints
  // on every keystroke: the answer depends on the name alone, so it is asked of tldts once.
  if (answers.has(domain)) return answers.get(domain);
  if (answers.size >= MAX_REMEMBERED) answers.clear();
  const answer = lookUp(domain);
  answers.set(domain, answer);
  return answer;
}

function lookUp(domain: string): string | undefined {
  const name = domain.toLowerCase().replace(/\.+$/, '');
  const parsed = parse(name, { allowPrivateDomains: true });
  if (parsed.domain !== null || parsed.publicSuffix !== name) return undefined;
  return parsed.isIcann === true || parsed.isPrivate === true ? name : undefined;
}
