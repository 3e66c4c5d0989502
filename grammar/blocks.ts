// The `{ … }` blocks of the language: what to call each one in a message, which keywords
// are valid inside it, and what a user may write there. Syntax errors about a missing '}'
// or an unknown setting are phrased from this table.

import { keywordsIn, type KeywordContext } from './keyword-table.js';

export type BlockKind =
  | 'resolver'
  | 'cache'
  | 'storage'
  | 'admin'
  | 'state'
  | 'list'
  | 'server'
  | 'tls'
  | 'sni'
  | 'connections'
  | 'auth'
  | 'relay'
  | 'smarthost'
  | 'ldap'
  | 'recipients'
  | 'limits'
  | 'proxy-protocol'
  | 'gateways';

export interface BlockInfo {
  /** "the server block", as in "expected '}' to close the server block". */
  noun: string;
  /** Contexts whose keywords may start an item inside the block. */
  contexts: readonly KeywordContext[];
  /** What may be written inside, as in "expected a tls setting (certificate, key, …)". */
  expectation: string;
}

function settings(article: string, what: string, context: KeywordContext): string {
  return `${article} ${what} (${compactKeywords(keywordsIn(context)).join(', ')})`;
}

/**
 * Keywords that differ only after `-per-` are named once, their keys joined by `|`
 * (`message-rate-per-address|network|user`), so a block with a family of settings keeps a
 * message one can read.
 */
export function compactKeywords(keywords: readonly string[]): string[] {
  const out: string[] = [];
  let family: { prefix: string; keys: string[] } | undefined;
  const flush = () => {
    if (family) out.push(`${family.prefix}${family.keys.join('|')}`);
    family = undefined;
  };
  for (const keyword of keywords) {
    const at = keyword.lastIndexOf('-per-');
    const prefix = at < 0 ? undefined : keyword.slice(0, at + 5);
    if (prefix !== undefined && family?.prefix === prefix) {
      family.keys.push(keyword.slice(prefix.length));
      continue;
    }
    flush();
    if (prefix !== undefined) family = { prefix, keys: [keyword.slice(prefix.length)] };
    else out.push(keyword);
  }
  flush();
  return out;
}

const ENTRY = 'an address, a CIDR range, ADDRESS mask NETMASK, domain NAME or @list';

export const BLOCKS: Record<BlockKind, BlockInfo> = {
  resolver: { noun: 'resolver block', contexts: ['resolver'], expectation: settings('a', 'resolver setting', 'resolver') },
  cache: { noun: 'cache block', contexts: ['cache'], expectation: settings('a', 'cache setting', 'cache') },
  storage: { noun: 'storage block', contexts: ['storage'], expectation: settings('a', 'storage setting', 'storage') },
  admin: { noun: 'admin block', contexts: ['admin'], expectation: settings('an', 'admin setting', 'admin') },
  state: { noun: 'state block', contexts: ['state'], expectation: settings('a', 'state setting', 'state') },
  list: { noun: 'list', contexts: ['entries'], expectation: `an entry (${ENTRY})` },
  server: { noun: 'server block', contexts: ['server'], expectation: settings('a', 'server setting', 'server') },
  tls: { noun: 'tls block', contexts: ['tls'], expectation: settings('a', 'tls setting', 'tls') },
  sni: { noun: 'sni block', contexts: ['sni'], expectation: settings('an', 'sni setting', 'sni') },
  connections: { noun: 'connections list', contexts: ['entries'], expectation: `an entry (${ENTRY})` },
  auth: { noun: 'auth block', contexts: ['auth'], expectation: settings('an', 'auth setting', 'auth') },
  relay: {
    noun: 'relay block',
    contexts: ['relay', 'entries'],
    expectation: `a relay grant (authenticated, anyone, ${ENTRY})`,
  },
  smarthost: { noun: 'smarthost block', contexts: ['smarthost'], expectation: settings('a', 'smarthost setting', 'smarthost') },
  ldap: { noun: 'ldap block', contexts: ['ldap'], expectation: settings('an', 'ldap setting', 'ldap') },
  recipients: { noun: 'recipients block', contexts: ['recipients'], expectation: settings('a', 'recipients setting', 'recipients') },
  limits: { noun: 'limits block', contexts: ['limits'], expectation: settings('a', 'limit', 'limits') },
  'proxy-protocol': { noun: 'proxy-protocol block', contexts: ['entries'], expectation: `an entry (${ENTRY})` },
  gateways: { noun: 'gateways block', contexts: ['entries'], expectation: `an entry (${ENTRY})` },
};

/** The block a parser rule opens, for "expected '{' to open the … block". */
export const BLOCK_OF_RULE: Record<string, BlockKind> = {
  resolverBlock: 'resolver',
  resolverCache: 'cache',
  storageBlock: 'storage',
  adminBlock: 'admin',
  stateBlock: 'state',
  listDecl: 'list',
  serverDecl: 'server',
  tlsBlock: 'tls',
  tlsSni: 'sni',
  connectionsSetting: 'connections',
  authBlock: 'auth',
  relayBlock: 'relay',
  smarthostTarget: 'smarthost',
  recipientsBlock: 'recipients',
  limitsBlock: 'limits',
  proxyProtocol: 'proxy-protocol',
  gateways: 'gateways',
};

/** Where a context's keywords live, for hints like "'listen' belongs inside a server block". */
export const CONTEXT_PLACE: Partial<Record<KeywordContext, string>> = {
  top: 'the top level',
  resolver: 'a resolver block',
  cache: 'a resolver cache block',
  storage: 'a storage block',
  admin: 'an admin block',
  state: 'a state block',
  server: 'a server block',
  tls: 'a tls block',
  auth: 'an auth block',
  entries: 'an address list',
  relay: 'a relay block',
  smarthost: 'a smarthost block',
  recipients: 'a recipients block',
  limits: 'a limits block',
};
