// CST → AST: maps chevrotain's concrete tree onto the typed tree of ast.ts.
//
// Defensive throughout: a node recovered from an error may lack any child, so every read
// goes through CstContext, which returns undefined for absent or recovery-inserted tokens.
// Pieces the grammar made optional for better recovery (names, mode keywords, relay-to
// targets) are reported here when missing.

import type { CstNode, IToken } from 'chevrotain';
import type * as Ast from './ast.js';
import type { CstContext } from './cst-context.js';
import { cidrEntry, domainValue, hostPortValue, listRef, maskEntry } from './value-nodes.js';
import { isValidEnvName } from './values.js';
import { quote } from './quote.js';
import { settingNode } from './setting-nodes.js';
import { settingRuleNamed } from './setting-rules.js';

const TOP_LEVEL_RULES = ['includeDecl', 'resolverBlock', 'storageBlock', 'adminBlock', 'userStoreDecl', 'listDecl', 'serverDecl'];

export function buildFile(ctx: CstContext, cst: CstNode | undefined, textLength: number, comments: Ast.Comment[]): Ast.PolicyFile {
  const items: Ast.TopLevelItem[] = [];
  for (const node of ctx.orderedNodes(cst, TOP_LEVEL_RULES)) {
    const item = topLevelItem(ctx, node);
    if (item) items.push(item);
  }
  return { kind: 'File', items, comments, range: ctx.lines.range(0, textLength) };
}

function topLevelItem(ctx: CstContext, node: CstNode): Ast.TopLevelItem | undefined {
  switch (node.name) {
    case 'includeDecl':
      return includeDecl(ctx, node);
    case 'resolverBlock':
      return resolverBlock(ctx, node);
    case 'storageBlock':
      return storageBlock(ctx, node);
    case 'adminBlock':
      return adminBlock(ctx, node);
    case 'userStoreDecl':
      return userStoreDecl(ctx, node);
    case 'listDecl':
      return listDecl(ctx, node);
    case 'serverDecl':
      return serverDecl(ctx, node);
    default:
      return undefined;
  }
}

/** The node of a setting the keyword table defines, or undefined for a hand-written rule. */
function tableSetting<T>(ctx: CstContext, node: CstNode): T | undefined {
  const rule = settingRuleNamed(node.name);
  return rule ? (settingNode(ctx, node, rule) as T | undefined) : undefined;
}

/** The nodes of a block whose items are all one table setting rule (cache, storage, limits, sni). */
function tableSettings<T>(ctx: CstContext, node: CstNode, ruleName: string): T[] {
  return ctx
    .nodes(node, ruleName)
    .map((child) => tableSetting<T>(ctx, child))
    .filter((s): s is T => s !== undefined);
}

/** The first real token of a rule: its keyword. Nodes without one are dropped. */
function leadingKeyword(ctx: CstContext, node: CstNode, key: string): IToken | undefined {
  return ctx.token(node, key);
}

// ───────────────────────────── top level ─────────────────────────────

function includeDecl(ctx: CstContext, node: CstNode): Ast.IncludeDecl | undefined {
  const kw = leadingKeyword(ctx, node, 'Include');
  if (!kw) return undefined;
  const path = ctx.token(node, 'StringLiteral');
  const result: Ast.IncludeDecl = { kind: 'Include', keyword: ctx.keyword(kw), range: ctx.nodeRange(node, kw) };
  if (path) result.path = ctx.string(path);
  return result;
}

function resolverBlock(ctx: CstContext, node: CstNode): Ast.ResolverBlock | undefined {
  const kw = leadingKeyword(ctx, node, 'Resolver');
  if (!kw) return undefined;
  const settings: Ast.ResolverSetting[] = [];
  for (const wrapper of ctx.nodes(node, 'resolverSetting')) {
    const child = ctx.onlyChild(wrapper);
    const setting = child && resolverSetting(ctx, child);
    if (setting) settings.push(setting);
  }
  return { kind: 'Resolver', keyword: ctx.keyword(kw), settings, range: ctx.nodeRange(node, kw) };
}

function resolverSetting(ctx: CstContext, node: CstNode): Ast.ResolverSetting | undefined {
  if (node.name !== 'resolverCache') return tableSetting(ctx, node);
  const kw = leadingKeyword(ctx, node, 'Cache');
  if (!kw) return undefined;
  const settings = tableSettings<Ast.CacheSetting>(ctx, node, 'cacheSetting');
  return { kind: 'ResolverCache', keyword: ctx.keyword(kw), settings, range: ctx.nodeRange(node, kw) };
}

function storageBlock(ctx: CstContext, node: CstNode): Ast.StorageBlock | undefined {
  const kw = leadingKeyword(ctx, node, 'Storage');
  if (!kw) return undefined;
  const settings = tableSettings<Ast.StorageSetting>(ctx, node, 'storageSetting');
  return { kind: 'Storage', keyword: ctx.keyword(kw), settings, range: ctx.nodeRange(node, kw) };
}

function adminBlock(ctx: CstContext, node: CstNode): Ast.AdminBlock | undefined {
  const kw = leadingKeyword(ctx, node, 'Admin');
  if (!kw) return undefined;
  const listen = ctx
    .nodes(node, 'listenSetting')
    .map((child) => listenSetting(ctx, child))
    .filter((l): l is Ast.Listen => l !== undefined);
  return { kind: 'Admin', keyword: ctx.keyword(kw), listen, range: ctx.nodeRange(node, kw) };
}

function userStoreDecl(ctx: CstContext, node: CstNode): Ast.UserStoreDecl | undefined {
  const kw = leadingKeyword(ctx, node, 'Users');
  if (!kw) return undefined;
  const result: Ast.UserStoreDecl = { kind: 'UserStore', keyword: ctx.keyword(kw), range: ctx.nodeRange(node, kw) };
  const name = ctx.declaredName(ctx.token(node, 'name'), 'a user store name', kw);
  if (name) result.name = name;
  const path = ctx.token(node, 'StringLiteral');
  if (path) result.file = ctx.string(path);
  return result;
}

function listDecl(ctx: CstContext, node: CstNode): Ast.ListDecl | undefined {
  const kw = leadingKeyword(ctx, node, 'List');
  if (!kw) return undefined;
  const result: Ast.ListDecl = { kind: 'List', keyword: ctx.keyword(kw), entries: addressEntries(ctx, node), range: ctx.nodeRange(node, kw) };
  const name = ctx.declaredName(ctx.token(node, 'name'), 'a list name', kw);
  if (name) result.name = name;
  return result;
}

function serverDecl(ctx: CstContext, node: CstNode): Ast.ServerDecl | undefined {
  const kw = leadingKeyword(ctx, node, 'Server');
  if (!kw) return undefined;
  const result: Ast.ServerDecl = { kind: 'Server', keyword: ctx.keyword(kw), settings: [], range: ctx.nodeRange(node, kw) };
  const name = ctx.declaredName(ctx.token(node, 'name'), 'a server name', kw);
  if (name) result.name = name;
  for (const wrapper of ctx.nodes(node, 'serverSetting')) {
    const child = ctx.onlyChild(wrapper);
    const setting = child && serverSetting(ctx, child);
    if (setting) result.settings.push(setting);
  }
  return result;
}

// ───────────────────────────── server settings ─────────────────────────────

function serverSetting(ctx: CstContext, node: CstNode): Ast.ServerSetting | undefined {
  switch (node.name) {
    case 'listenSetting':
      return listenSetting(ctx, node);
    case 'tlsBlock':
      return tlsBlock(ctx, node);
    case 'connectionsSetting':
      return connectionsSetting(ctx, node);
    case 'authBlock':
      return authBlock(ctx, node);
    case 'relayBlock':
      return relayBlock(ctx, node);
    case 'relayTo':
      return relayTo(ctx, node);
    case 'routeSetting':
      return routeSetting(ctx, node);
    case 'limitsBlock':
      return limitsBlock(ctx, node);
    case 'proxyProtocol': {
      const kw = leadingKeyword(ctx, node, 'ProxyProtocol');
      if (!kw) return undefined;
      return { kind: 'ProxyProtocol', keyword: ctx.keyword(kw), entries: addressEntries(ctx, node), range: ctx.nodeRange(node, kw) };
    }
    case 'gateways': {
      const kw = leadingKeyword(ctx, node, 'Gateways');
      if (!kw) return undefined;
      return { kind: 'Gateways', keyword: ctx.keyword(kw), entries: addressEntries(ctx, node), range: ctx.nodeRange(node, kw) };
    }
    default:
      return tableSetting(ctx, node);
  }
}

function listenSetting(ctx: CstContext, node: CstNode): Ast.Listen | undefined {
  const kw = leadingKeyword(ctx, node, 'Listen');
  if (!kw) return undefined;
  const endpoints: Ast.ListenEndpoint[] = [];
  for (const child of ctx.nodes(node, 'listenEndpoint')) {
    const word = ctx.token(child, 'Word');
    if (!word) continue;
    const address = hostPortValue(ctx, word, { portRequired: true, expected: 'a listen address like 0.0.0.0:25 or [::]:587' });
    const endpoint: Ast.ListenEndpoint = { kind: 'ListenEndpoint', address, range: ctx.nodeRange(child, word) };
    const implicitTls = ctx.token(child, 'ImplicitTls');
    if (implicitTls) endpoint.implicitTls = ctx.keyword(implicitTls);
    endpoints.push(endpoint);
  }
  return { kind: 'Listen', keyword: ctx.keyword(kw), endpoints, range: ctx.nodeRange(node, kw) };
}

function tlsBlock(ctx: CstContext, node: CstNode): Ast.TlsBlock | undefined {
  const kw = leadingKeyword(ctx, node, 'Tls');
  if (!kw) return undefined;
  const settings: Ast.TlsSetting[] = [];
  for (const wrapper of ctx.nodes(node, 'tlsSetting')) {
    const child = ctx.onlyChild(wrapper);
    const setting = child && tlsSetting(ctx, child);
    if (setting) settings.push(setting);
  }
  return { kind: 'Tls', keyword: ctx.keyword(kw), settings, range: ctx.nodeRange(node, kw) };
}

function tlsSetting(ctx: CstContext, node: CstNode): Ast.TlsSetting | undefined {
  if (node.name !== 'tlsSni') return tableSetting(ctx, node);
  const kw = leadingKeyword(ctx, node, 'Sni');
  if (!kw) return undefined;
  const files = tableSettings<Ast.TlsFile>(ctx, node, 'tlsFile');
  const result: Ast.TlsSni = { kind: 'TlsSni', keyword: ctx.keyword(kw), files, range: ctx.nodeRange(node, kw) };
  const host = ctx.token(node, 'Word');
  if (host) result.hostname = domainValue(ctx, host, { fqdn: true, expected: 'a fully-qualified host name like other.example.com' });
  return result;
}

function connectionsSetting(ctx: CstContext, node: CstNode): Ast.Connections | undefined {
  const kw = leadingKeyword(ctx, node, 'Connections');
  if (!kw) return undefined;
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

function authBlock(ctx: CstContext, node: CstNode): Ast.AuthBlock | undefined {
  const kw = leadingKeyword(ctx, node, 'Auth');
  if (!kw) return undefined;
  const settings: Ast.AuthSetting[] = [];
  for (const wrapper of ctx.nodes(node, 'authSetting')) {
    const child = ctx.onlyChild(wrapper);
    if (!child) continue;
    if (child.name !== 'authMethod') {
      const setting = tableSetting<Ast.AuthSetting>(ctx, child);
      if (setting) settings.push(setting);
      continue;
    }
    const method = ctx.token(child, 'keyword');
    if (!method) continue;
    const setting: Ast.AuthMethod = {
      kind: 'AuthMethod',
      keyword: ctx.keyword(method),
      method: method.image as Ast.AuthMethod['method'],
      range: ctx.nodeRange(child, method),
    };
    const users = ctx.token(child, 'Users');
    if (users) {
      const store = ctx.token(child, 'Word');
      setting.users = { keyword: ctx.keyword(users) };
      if (store) setting.users.name = ctx.referencedName(store, 'a user store name');
      if (setting.method === 'anonymous') {
        ctx.semantic("'anonymous' takes no user store: anonymous clients do not log in", ctx.spanRange(setting.users.keyword, setting.users.name ?? setting.users.keyword));
      }
    }
    settings.push(setting);
  }
  return { kind: 'Auth', keyword: ctx.keyword(kw), settings, range: ctx.nodeRange(node, kw) };
}

function relayBlock(ctx: CstContext, node: CstNode): Ast.RelayBlock | undefined {
  const kw = leadingKeyword(ctx, node, 'Relay');
  if (!kw) return undefined;
  const entries: Ast.RelayEntry[] = [];
  for (const child of ctx.nodes(node, 'relayEntry')) {
    const authenticated = ctx.token(child, 'Authenticated');
    const anyone = ctx.token(child, 'Anyone');
    const address = ctx.node(child, 'addressEntry');
    if (authenticated) entries.push({ kind: 'Authenticated', keyword: ctx.keyword(authenticated), range: ctx.tokenRange(authenticated) });
    else if (anyone) entries.push({ kind: 'Anyone', keyword: ctx.keyword(anyone), range: ctx.tokenRange(anyone) });
    else if (address) {
      const entry = addressEntry(ctx, address, true);
      if (entry) entries.push(entry);
    }
  }
  return { kind: 'Relay', keyword: ctx.keyword(kw), entries, range: ctx.nodeRange(node, kw) };
}

function relayTo(ctx: CstContext, node: CstNode): Ast.RelayTo | undefined {
  const kw = leadingKeyword(ctx, node, 'RelayTo');
  if (!kw) return undefined;
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

function routeSetting(ctx: CstContext, node: CstNode): Ast.Route | undefined {
  const kw = leadingKeyword(ctx, node, 'Route');
  if (!kw) return undefined;
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

type SmarthostTarget = Extract<NonNullable<Ast.RelayTo['target']>, { kind: 'Smarthost' }>;

function smarthostTarget(ctx: CstContext, node: CstNode, kw: IToken): SmarthostTarget {
  const result: SmarthostTarget = { kind: 'Smarthost', keyword: ctx.keyword(kw), settings: [], range: ctx.nodeRange(node, kw) };
  const address = ctx.token(node, 'address');
  const options = { portRequired: true, expected: 'a smart host address like smtp.isp.example:587' };
  if (address) result.address = hostPortValue(ctx, address, options, address.image.startsWith('"'));
  else ctx.missing('a smart host address like smtp.isp.example:587', kw);
  for (const wrapper of ctx.nodes(node, 'smarthostSetting')) {
    const child = ctx.onlyChild(wrapper);
    const setting = child && smarthostSetting(ctx, child);
    if (setting) result.settings.push(setting);
  }
  return result;
}

function smarthostSetting(ctx: CstContext, node: CstNode): Ast.SmarthostSetting | undefined {
  switch (node.name) {
    case 'smarthostTls': {
      const kw = leadingKeyword(ctx, node, 'Tls');
      if (!kw) return undefined;
      const result: Ast.SmarthostTls = { kind: 'SmarthostTls', keyword: ctx.keyword(kw), range: ctx.nodeRange(node, kw) };
      const mode = ctx.token(node, 'mode');
      if (mode) result.mode = { keyword: ctx.keyword(mode), value: mode.image as 'require' | 'optional' | 'none' };
      else ctx.missing("'require', 'optional' or 'none'", kw);
      const noVerify = ctx.token(node, 'NoVerify');
      if (noVerify) result.noVerify = ctx.keyword(noVerify);
      return result;
    }
    case 'smarthostPassword': {
      const kw = leadingKeyword(ctx, node, 'Password');
      if (!kw) return undefined;
      const result: Ast.SmarthostPassword = { kind: 'SmarthostPassword', keyword: ctx.keyword(kw), range: ctx.nodeRange(node, kw) };
      const env = ctx.token(node, 'Env');
      const file = ctx.token(node, 'File');
      if (env) {
        const variable = ctx.token(node, 'Word');
        const source: { kind: 'Env'; keyword: Ast.Keyword; variable?: Ast.Name; range: Ast.Range } = {
          kind: 'Env',
          keyword: ctx.keyword(env),
          range: variable ? ctx.spanRange({ range: ctx.tokenRange(env) }, { range: ctx.tokenRange(variable) }) : ctx.tokenRange(env),
        };
        if (variable) {
          source.variable = { kind: 'Name', text: variable.image, range: ctx.tokenRange(variable) };
          if (!isValidEnvName(variable.image)) {
            ctx.semantic(
              `expected an environment variable name like RELAY_PASSWORD (letters, digits and '_'), found ${quote(variable.image)}`,
              source.variable.range,
            );
          }
        }
        result.source = source;
      } else if (file) {
        const path = ctx.token(node, 'StringLiteral');
        const source: { kind: 'File'; keyword: Ast.Keyword; path?: Ast.StringLiteral; range: Ast.Range } = {
          kind: 'File',
          keyword: ctx.keyword(file),
          range: path ? ctx.spanRange({ range: ctx.tokenRange(file) }, { range: ctx.tokenRange(path) }) : ctx.tokenRange(file),
        };
        if (path) source.path = ctx.string(path);
        result.source = source;
      } else {
        ctx.missing(`'env NAME' or 'file "PATH"' (never the password itself)`, kw);
      }
      return result;
    }
    default:
      return tableSetting(ctx, node);
  }
}

function limitsBlock(ctx: CstContext, node: CstNode): Ast.LimitsBlock | undefined {
  const kw = leadingKeyword(ctx, node, 'Limits');
  if (!kw) return undefined;
  const settings = tableSettings<Ast.LimitSetting>(ctx, node, 'limitSetting');
  return { kind: 'Limits', keyword: ctx.keyword(kw), settings, range: ctx.nodeRange(node, kw) };
}

// ───────────────────────────── entries ─────────────────────────────

function addressEntries(ctx: CstContext, node: CstNode): Ast.AddressEntry[] {
  return ctx
    .nodes(node, 'addressEntry')
    .map((child) => addressEntry(ctx, child))
    .filter((e): e is Ast.AddressEntry => e !== undefined);
}

function addressEntry(ctx: CstContext, node: CstNode, inRelay = false): Ast.AddressEntry | undefined {
  const address = ctx.token(node, 'address');
  const mask = ctx.token(node, 'Mask');
  if (address && mask) return maskEntry(ctx, address, mask, ctx.token(node, 'mask'));
  const cidr = ctx.token(node, 'cidr');
  if (cidr) return cidrEntry(ctx, cidr, inRelay);
  const domain = ctx.token(node, 'Domain');
  if (domain) {
    const name = ctx.token(node, 'domain');
    const entry: Ast.DomainEntry = { kind: 'Domain', keyword: ctx.keyword(domain), range: ctx.nodeRange(node, domain) };
    if (name) entry.domain = domainValue(ctx, name, { expected: 'a domain name like partner.example' });
    return entry;
  }
  const ref = ctx.token(node, 'Ref');
  if (ref) return listRef(ctx, ref);
  return undefined;
}
