// CST → AST: maps chevrotain's concrete tree onto the typed tree of ast.ts.
//
// Defensive throughout: a node recovered from an error may lack any child, so every read
// goes through CstContext, which returns undefined for absent or recovery-inserted tokens.
// Pieces the grammar made optional for better recovery (names, mode keywords, relay-to
// targets) are reported here when missing.

import type { CstNode, IToken } from 'chevrotain';
import type * as Ast from './ast.js';
import type { CstContext } from './cst-context.js';
import { checkDomainName, cidrEntry, domainValue, hostPortValue, listRef, maskEntry } from './value-nodes.js';
import { DomainEntryNode } from './domain-entry-node.js';
import { isValidEnvName } from './values.js';
import { quote } from './quote.js';
import { recipientsBlock } from './recipients-nodes.js';
import { settingNode } from './setting-nodes.js';
import { settingRuleNamed } from './setting-rules.js';

/** A rule's converter: its node, or undefined when recovery left too little of it. */
type Convert<T> = (ctx: CstContext, node: CstNode) => T | undefined;

// ───────────────────────────── the rules and their converters ─────────────────────────────
// A rule that starts with a keyword is registered with it (`keywordLed`), so a node that
// recovery left without its keyword is dropped in one place. Blocks whose node is
// `{ kind, keyword, <items>, range }` are declared, not written (`keywordBlock`); so is each
// block's setting rule (`blockSetting`: its settings with a rule of their own; every other
// one is a row of the keyword table). A converter is made once, from the converters of what
// it holds, so what is held is declared first.

const resolverCache = keywordBlock('Cache', 'ResolverCache', 'settings', 'cacheSetting', tableSetting<Ast.CacheSetting>);
const resolverSetting = blockSetting<Ast.ResolverSetting>({ resolverCache });
const resolverBlock = keywordBlock('Resolver', 'Resolver', 'settings', 'resolverSetting', resolverSetting);
const storageBlock = keywordBlock('Storage', 'Storage', 'settings', 'storageSetting', tableSetting<Ast.StorageSetting>);
const listenSetting = keywordBlock('Listen', 'Listen', 'endpoints', 'listenEndpoint', listenEndpoint);
const adminBlock = keywordBlock('Admin', 'Admin', 'listen', 'listenSetting', listenSetting);
const stateSetting = blockSetting<Ast.StateSetting>({ statePassword: keywordLed('Password', statePassword) });
const stateBlock = keywordBlock('State', 'State', 'settings', 'stateSetting', stateSetting);

const tlsSetting = blockSetting<Ast.TlsSetting>({ tlsSni: keywordLed('Sni', tlsSni) });
const tlsBlock = keywordBlock('Tls', 'Tls', 'settings', 'tlsSetting', tlsSetting);
const authSetting = blockSetting<Ast.AuthSetting>({ authMethod: keywordLed('keyword', authMethod) });
const authBlock = keywordBlock('Auth', 'Auth', 'settings', 'authSetting', authSetting);
const relayBlock = keywordBlock('Relay', 'Relay', 'entries', 'relayEntry', relayEntry);
const smarthostSetting = blockSetting<Ast.SmarthostSetting>({
  smarthostTls: keywordLed('Tls', smarthostTls),
  smarthostPassword: keywordLed('Password', smarthostPassword),
});
const ldapSetting = blockSetting<Ast.LdapSetting>({ ldapBindPassword: keywordLed('BindPassword', ldapBindPassword) });
const ldapDirectory = keywordLed('Ldap', (ctx: CstContext, node: CstNode, kw: IToken): Ast.LdapDirectory => {
  const result: Ast.LdapDirectory = { kind: 'LdapDirectory', keyword: ctx.keyword(kw), settings: itemsOf(ctx, node, 'ldapSetting', ldapSetting), range: ctx.nodeRange(node, kw) };
  const url = ctx.token(node, 'url');
  if (url) result.url = ctx.string(url);
  else ctx.missing('the directory\'s URL like "ldaps://dc.example.com:636"', kw);
  return result;
});
const limitsBlock = keywordBlock('Limits', 'Limits', 'settings', 'limitSetting', tableSetting<Ast.LimitSetting>);
const proxyProtocol = keywordBlock('ProxyProtocol', 'ProxyProtocol', 'entries', 'addressEntry', addressEntry);
const gateways = keywordBlock('Gateways', 'Gateways', 'entries', 'addressEntry', addressEntry);
const serverSetting = blockSetting<Ast.ServerSetting>({
  listenSetting,
  tlsBlock,
  connectionsSetting: keywordLed('Connections', connectionsSetting),
  authBlock,
  relayBlock,
  relayTo: keywordLed('RelayTo', relayTo),
  recipientsBlock,
  routeSetting: keywordLed('Route', routeSetting),
  limitsBlock,
  proxyProtocol,
  gateways,
});

/** The top-level rules of the grammar, with their converters. */
const TOP_LEVEL: Record<string, Convert<Ast.TopLevelItem>> = {
  includeDecl: keywordLed('Include', includeDecl),
  resolverBlock,
  storageBlock,
  adminBlock,
  stateBlock,
  userStoreDecl: keywordLed('Users', userStoreDecl),
  listDecl: keywordLed('List', listDecl),
  serverDecl: keywordLed('Server', serverDecl),
};
const TOP_LEVEL_RULES = Object.keys(TOP_LEVEL);

export function buildFile(ctx: CstContext, cst: CstNode | undefined, textLength: number, comments: Ast.Comment[]): Ast.PolicyFile {
  const items: Ast.TopLevelItem[] = [];
  for (const node of ctx.orderedNodes(cst, TOP_LEVEL_RULES)) {
    const item = TOP_LEVEL[node.name]?.(ctx, node);
    if (item) items.push(item);
  }
  return { kind: 'File', items, comments, range: ctx.lines.range(0, textLength) };
}

/** The node of a setting the keyword table defines, or undefined for a hand-written rule. */
function tableSetting<T>(ctx: CstContext, node: CstNode): T | undefined {
  const rule = settingRuleNamed(node.name);
  return rule ? (settingNode(ctx, node, rule) as T | undefined) : undefined;
}

/** The `rule` children of a node, converted; the ones recovery left too little of are dropped. */
function itemsOf<T>(ctx: CstContext, node: CstNode, rule: string, convert: Convert<T>): T[] {
  const converted: T[] = [];
  for (const child of ctx.nodes(node, rule)) {
    const item = convert(ctx, child);
    if (item) converted.push(item);
  }
  return converted;
}

/** The nodes of a block whose items are all one table setting rule (cache, storage, limits, sni). */
function tableSettings<T>(ctx: CstContext, node: CstNode, ruleName: string): T[] {
  return itemsOf(ctx, node, ruleName, tableSetting<T>);
}

/**
 * The converter of a block's setting rule (`serverSetting`, `tlsSetting`…), a wrapper whose only
 * child is the setting: one with a rule of its own is converted by `handwritten[rule]`, any
 * other is a row of the keyword table (as the parser's `blockSetting` builds the rule).
 */
function blockSetting<T>(handwritten: Record<string, Convert<T>>): Convert<T> {
  return (ctx, wrapper) => {
    const setting = ctx.onlyChild(wrapper);
    if (!setting) return undefined;
    const convert = handwritten[setting.name];
    return convert ? convert(ctx, setting) : tableSetting<T>(ctx, setting);
  };
}

/**
 * The converter of a rule led by its keyword, `key` in the CST (the keyword's token type, or
 * the label of a choice of keywords): a node that recovery left without it is dropped, and
 * `convert` gets the keyword's token (messages about a missing part point after it).
 */
function keywordLed<T>(key: string, convert: (ctx: CstContext, node: CstNode, kw: IToken) => T): Convert<T> {
  return (ctx, node) => {
    const kw = ctx.token(node, key);
    return kw && convert(ctx, node, kw);
  };
}

type KeywordBlock<K extends string, F extends string, T> = { kind: K; keyword: Ast.Keyword; range: Ast.Range } & Record<F, T[]>;

/**
 * The converter of a `keyword { item… }` rule whose node is `{ kind, keyword, <field>: items,
 * range }`, each item an `itemRule` child converted by `convert`. A block that recovery left
 * without its keyword is dropped, and nothing inside it is read or reported.
 */
function keywordBlock<K extends string, F extends string, T>(keyword: string, kind: K, field: F, itemRule: string, convert: Convert<T>): Convert<KeywordBlock<K, F, T>> {
  return keywordLed(keyword, (ctx, node, kw) =>
    ({ kind, keyword: ctx.keyword(kw), [field]: itemsOf(ctx, node, itemRule, convert), range: ctx.nodeRange(node, kw) }) as KeywordBlock<K, F, T>,
  );
}

// ───────────────────────────── top level ─────────────────────────────

function includeDecl(ctx: CstContext, node: CstNode, kw: IToken): Ast.IncludeDecl {
  const path = ctx.token(node, 'StringLiteral');
  const result: Ast.IncludeDecl = { kind: 'Include', keyword: ctx.keyword(kw), range: ctx.nodeRange(node, kw) };
  if (path) result.path = ctx.string(path);
  return result;
}

function userStoreDecl(ctx: CstContext, node: CstNode, kw: IToken): Ast.UserStoreDecl {
  const result: Ast.UserStoreDecl = { kind: 'UserStore', keyword: ctx.keyword(kw), range: ctx.nodeRange(node, kw) };
  const name = ctx.declaredName(ctx.token(node, 'name'), 'a user store name', kw);
  if (name) result.name = name;
  const path = ctx.token(node, 'StringLiteral');
  if (path) result.file = ctx.string(path);
  const directory = ctx.node(node, 'ldapDirectory');
  const ldap = directory && ldapDirectory(ctx, directory);
  if (ldap) result.ldap = ldap;
  return result;
}

function listDecl(ctx: CstContext, node: CstNode, kw: IToken): Ast.ListDecl {
  const result: Ast.ListDecl = { kind: 'List', keyword: ctx.keyword(kw), entries: addressEntries(ctx, node), range: ctx.nodeRange(node, kw) };
  const name = ctx.declaredName(ctx.token(node, 'name'), 'a list name', kw);
  if (name) result.name = name;
  return result;
}

function serverDecl(ctx: CstContext, node: CstNode, kw: IToken): Ast.ServerDecl {
  const result: Ast.ServerDecl = { kind: 'Server', keyword: ctx.keyword(kw), settings: [], range: ctx.nodeRange(node, kw) };
  const name = ctx.declaredName(ctx.token(node, 'name'), 'a server name', kw);
  if (name) result.name = name;
  result.settings = itemsOf(ctx, node, 'serverSetting', serverSetting);
  return result;
}

// ───────────────────────────── server settings ─────────────────────────────

function tlsSni(ctx: CstContext, node: CstNode, kw: IToken): Ast.TlsSni {
  const files = tableSettings<Ast.TlsFile>(ctx, node, 'tlsFile');
  const result: Ast.TlsSni = { kind: 'TlsSni', keyword: ctx.keyword(kw), files, range: ctx.nodeRange(node, kw) };
  const host = ctx.token(node, 'Word');
  if (host) result.hostname = domainValue(ctx, host, { fqdn: true, expected: 'a fully-qualified host name like other.example.com' });
  return result;
}

function connectionsSetting(ctx: CstContext, node: CstNode, kw: IToken): Ast.Connections {
  const result: Ast.Connections = {
    kind: 'Connections',
    keyword: ctx.keyword(kw),
    entries: addressEntries(ctx, node),
    range: ctx.nodeRange(node, kw),
  };
  const mode = ctx.token(node, 'mode');
  if (mode) result.mode = { keyword: ctx.keyword(mode), value: mode.image as 'only' | 'except' };
  else ctx.missing("'only' (an allow-list) or 'except' (a deny-list)", kw);
  return result;
}

function authMethod(ctx: CstContext, node: CstNode, method: IToken): Ast.AuthMethod {
  const setting: Ast.AuthMethod = {
    kind: 'AuthMethod',
    keyword: ctx.keyword(method),
    method: method.image as Ast.AuthMethod['method'],
    range: ctx.nodeRange(node, method),
  };
  const users = ctx.token(node, 'Users');
  if (users) {
    const store = ctx.token(node, 'Word');
    setting.users = { keyword: ctx.keyword(users) };
    if (store) setting.users.name = ctx.referencedName(store, 'a user store name');
    if (setting.method === 'anonymous') {
      ctx.semantic("'anonymous' takes no user store: anonymous clients do not log in", ctx.spanRange(setting.users.keyword, setting.users.name ?? setting.users.keyword));
    }
  }
  return setting;
}

function relayTo(ctx: CstContext, node: CstNode, kw: IToken): Ast.RelayTo {
  const result: Ast.RelayTo = { kind: 'RelayTo', keyword: ctx.keyword(kw), range: ctx.nodeRange(node, kw) };
  const hold = ctx.node(node, 'holdTarget');
  const smarthost = ctx.node(node, 'smarthostTarget');
  const holdKeyword = hold && ctx.token(hold, 'Hold');
  const smarthostKeyword = smarthost && ctx.token(smarthost, 'Smarthost');
  const direct = ctx.token(node, 'Direct');
  if (hold && holdKeyword) {
    result.target = { kind: 'Hold', keyword: ctx.keyword(holdKeyword), range: ctx.nodeRange(hold, holdKeyword) };
  } else if (smarthost && smarthostKeyword) {
    result.target = smarthostTarget(ctx, smarthost, smarthostKeyword);
  } else if (direct) {
    result.target = { kind: 'Direct', keyword: ctx.keyword(direct), range: ctx.tokenRange(direct) };
  } else {
    ctx.missing("'direct', 'smarthost HOST:PORT' or 'hold'", kw);
  }
  return result;
}

function routeSetting(ctx: CstContext, node: CstNode, kw: IToken): Ast.Route {
  const result: Ast.Route = { kind: 'Route', keyword: ctx.keyword(kw), range: ctx.nodeRange(node, kw) };
  const domain = ctx.token(node, 'domain');
  if (!domain) {
    ctx.missing('a domain name like partner.example', kw);
    return result;
  }
  result.domain = domainValue(ctx, domain, { expected: 'a domain name like partner.example' });
  const address = ctx.token(node, 'address');
  if (address) {
    result.address = hostPortValue(ctx, address, { portRequired: true, expected: 'a host and port like smtp.partner.example:25' }, address.image.startsWith('"'));
  } else {
    ctx.missing('a host and port like smtp.partner.example:25', domain);
  }
  return result;
}

/** From a keyword to the value after it (`env NAME`), or the keyword alone when the value is missing. */
function spanFrom(ctx: CstContext, keyword: IToken, value: IToken | undefined): Ast.Range {
  return value ? ctx.spanRange({ range: ctx.tokenRange(keyword) }, { range: ctx.tokenRange(value) }) : ctx.tokenRange(keyword);
}

type SmarthostTarget = Extract<NonNullable<Ast.RelayTo['target']>, { kind: 'Smarthost' }>;

function smarthostTarget(ctx: CstContext, node: CstNode, kw: IToken): SmarthostTarget {
  const result: SmarthostTarget = { kind: 'Smarthost', keyword: ctx.keyword(kw), settings: [], range: ctx.nodeRange(node, kw) };
  const address = ctx.token(node, 'address');
  const options = { portRequired: true, expected: 'a smart host address like smtp.isp.example:587' };
  if (address) result.address = hostPortValue(ctx, address, options, address.image.startsWith('"'));
  else ctx.missing('a smart host address like smtp.isp.example:587', kw);
  result.settings = itemsOf(ctx, node, 'smarthostSetting', smarthostSetting);
  return result;
}

function smarthostTls(ctx: CstContext, node: CstNode, kw: IToken): Ast.SmarthostTls {
  const result: Ast.SmarthostTls = { kind: 'SmarthostTls', keyword: ctx.keyword(kw), range: ctx.nodeRange(node, kw) };
  const mode = ctx.token(node, 'mode');
  if (mode) result.mode = { keyword: ctx.keyword(mode), value: mode.image as 'require' | 'optional' | 'none' };
  else ctx.missing("'require', 'optional' or 'none'", kw);
  const noVerify = ctx.token(node, 'NoVerify');
  if (noVerify) result.noVerify = ctx.keyword(noVerify);
  return result;
}

function smarthostPassword(ctx: CstContext, node: CstNode, kw: IToken): Ast.SmarthostPassword {
  const result: Ast.SmarthostPassword = { kind: 'SmarthostPassword', keyword: ctx.keyword(kw), range: ctx.nodeRange(node, kw) };
  const source = secretSource(ctx, node, kw);
  if (source) result.source = source;
  return result;
}

function statePassword(ctx: CstContext, node: CstNode, kw: IToken): Ast.StatePassword {
  const result: Ast.StatePassword = { kind: 'StatePassword', keyword: ctx.keyword(kw), range: ctx.nodeRange(node, kw) };
  const source = secretSource(ctx, node, kw);
  if (source) result.source = source;
  return result;
}

function ldapBindPassword(ctx: CstContext, node: CstNode, kw: IToken): Ast.LdapBindPassword {
  const result: Ast.LdapBindPassword = { kind: 'LdapBindPassword', keyword: ctx.keyword(kw), range: ctx.nodeRange(node, kw) };
  const source = secretSource(ctx, node, kw);
  if (source) result.source = source;
  return result;
}

/** `env NAME` or `file "PATH"` after a password keyword; anything else (the secret itself) is reported. */
function secretSource(ctx: CstContext, node: CstNode, kw: IToken): Ast.SecretSource | undefined {
  const env = ctx.token(node, 'Env');
  const file = ctx.token(node, 'File');
  if (env) {
    const variable = ctx.token(node, 'Word');
    const source: { kind: 'Env'; keyword: Ast.Keyword; variable?: Ast.Name; range: Ast.Range } = { kind: 'Env', keyword: ctx.keyword(env), range: spanFrom(ctx, env, variable) };
    if (variable) {
      source.variable = { kind: 'Name', text: variable.image, range: ctx.tokenRange(variable) };
      if (!isValidEnvName(variable.image)) {
        ctx.semantic(
          `expected an environment variable name like RELAY_PASSWORD (letters, digits and '_'), found ${quote(variable.image)}`,
          source.variable.range,
        );
      }
    }
    return source;
  } else if (file) {
    const path = ctx.token(node, 'StringLiteral');
    const source: { kind: 'File'; keyword: Ast.Keyword; path?: Ast.StringLiteral; range: Ast.Range } = { kind: 'File', keyword: ctx.keyword(file), range: spanFrom(ctx, file, path) };
    if (path) source.path = ctx.string(path);
    return source;
  } else {
    ctx.missing(`'env NAME' or 'file "PATH"' (never the password itself)`, kw);
  }
  return undefined;
}

// ───────────────────────────── entries ─────────────────────────────

function listenEndpoint(ctx: CstContext, node: CstNode): Ast.ListenEndpoint | undefined {
  const word = ctx.token(node, 'Word');
  if (!word) return undefined;
  const address = hostPortValue(ctx, word, { portRequired: true, expected: 'a listen address like 0.0.0.0:25 or [::]:587' });
  const endpoint: Ast.ListenEndpoint = { kind: 'ListenEndpoint', address, range: ctx.nodeRange(node, word) };
  const implicitTls = ctx.token(node, 'ImplicitTls');
  if (implicitTls) endpoint.implicitTls = ctx.keyword(implicitTls);
  return endpoint;
}

const DOMAIN_ENTRY = { expected: 'a domain name like partner.example' };

function domainEntry(ctx: CstContext, node: CstNode, keyword: IToken, name: IToken | undefined): Ast.DomainEntry {
  const range = ctx.nodeRange(node, keyword);
  const start = range.start.offset;
  const end = range.end.offset;
  const keywordEnd = keyword.startOffset + keyword.image.length;
  const nameEnd = name ? name.startOffset + name.image.length : keywordEnd;
  // The common entry, as written: one node for the entry and its parts (domain-entry-node.ts).
  if (keyword.startOffset === start && nameEnd === end && (!name || name.startOffset >= keywordEnd)) {
    if (name) checkDomainName(ctx, name, DOMAIN_ENTRY);
    return new DomainEntryNode(ctx.lines, start, end, keywordEnd, name ? name.startOffset : -1);
  }
  // What error recovery made of it, spans and all, as plain nodes.
  const entry: Ast.DomainEntry = { kind: 'Domain', keyword: ctx.keyword(keyword), range };
  if (name) entry.domain = domainValue(ctx, name, DOMAIN_ENTRY);
  return entry;
}

function relayEntry(ctx: CstContext, node: CstNode): Ast.RelayEntry | undefined {
  const authenticated = ctx.token(node, 'Authenticated');
  const anyone = ctx.token(node, 'Anyone');
  const address = ctx.node(node, 'addressEntry');
  if (authenticated) return { kind: 'Authenticated', keyword: ctx.keyword(authenticated), range: ctx.tokenRange(authenticated) };
  if (anyone) return { kind: 'Anyone', keyword: ctx.keyword(anyone), range: ctx.tokenRange(anyone) };
  return address && addressEntry(ctx, address, true);
}

function addressEntries(ctx: CstContext, node: CstNode): Ast.AddressEntry[] {
  return itemsOf(ctx, node, 'addressEntry', addressEntry);
}

function addressEntry(ctx: CstContext, node: CstNode, inRelay = false): Ast.AddressEntry | undefined {
  const address = ctx.token(node, 'address');
  const mask = ctx.token(node, 'Mask');
  if (address && mask) return maskEntry(ctx, address, mask, ctx.token(node, 'mask'));
  const cidr = ctx.token(node, 'cidr');
  if (cidr) return cidrEntry(ctx, cidr, inRelay);
  const domain = ctx.token(node, 'Domain');
  if (domain) return domainEntry(ctx, node, domain, ctx.token(node, 'domain'));
  const ref = ctx.token(node, 'Ref');
  if (ref) return listRef(ctx, ref);
  return undefined;
}
