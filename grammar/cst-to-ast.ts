// CST → AST: maps chevrotain's concrete tree onto the typed tree of ast.ts.
//
// Defensive throughout: a node recovered from an error may lack any child, so every read
// goes through CstContext, which returns undefined for absent or recovery-inserted tokens.
// Pieces the grammar made optional for better recovery (names, mode keywords, relay-to
// targets) are reported here when missing.

import type { CstNode, IToken } from 'chevrotain';
import type * as Ast from './ast.js';
import type { CstContext } from './cst-context.js';
import {
  cidrEntry,
  domainValue,
  durationValue,
  hostPortValue,
  integerValue,
  listRef,
  maskEntry,
  reverseZoneValue,
  sizeValue,
  tlsVersionValue,
} from './value-nodes.js';
import { isValidEnvName } from './values.js';
import { quote } from './quote.js';
import { LIMIT_VALUES } from './messages.js';

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
  switch (node.name) {
    case 'resolverServers': {
      const kw = leadingKeyword(ctx, node, 'Servers');
      if (!kw) return undefined;
      const endpoints = ctx.tokens(node, 'Word').map((t) =>
        hostPortValue(ctx, t, { portRequired: false, expected: 'a DNS server address like 10.0.0.53 or 127.0.0.1:5353' }),
      );
      return { kind: 'ResolverServers', keyword: ctx.keyword(kw), endpoints, range: ctx.nodeRange(node, kw) };
    }
    case 'resolverTimeout': {
      const kw = leadingKeyword(ctx, node, 'Timeout');
      if (!kw) return undefined;
      const value = ctx.token(node, 'Word');
      const result: Ast.ResolverTimeout = { kind: 'ResolverTimeout', keyword: ctx.keyword(kw), range: ctx.nodeRange(node, kw) };
      if (value) result.value = durationValue(ctx, value);
      return result;
    }
    case 'reverseZone': {
      const kw = leadingKeyword(ctx, node, 'ReverseZone');
      if (!kw) return undefined;
      const zones = ctx.tokens(node, 'Word').map((t) => reverseZoneValue(ctx, t));
      return { kind: 'ReverseZone', keyword: ctx.keyword(kw), zones, range: ctx.nodeRange(node, kw) };
    }
    case 'resolverCache': {
      const kw = leadingKeyword(ctx, node, 'Cache');
      if (!kw) return undefined;
      const settings: Ast.CacheSetting[] = [];
      for (const child of ctx.nodes(node, 'cacheSetting')) {
        const setting = cacheSetting(ctx, child);
        if (setting) settings.push(setting);
      }
      return { kind: 'ResolverCache', keyword: ctx.keyword(kw), settings, range: ctx.nodeRange(node, kw) };
    }
    default:
      return undefined;
  }
}

function cacheSetting(ctx: CstContext, node: CstNode): Ast.CacheSetting | undefined {
  const kw = ctx.token(node, 'keyword');
  if (!kw) return undefined;
  const name = kw.image as Ast.CacheSetting['name'];
  const result: Ast.CacheSetting = { kind: 'CacheSetting', keyword: ctx.keyword(kw), name, range: ctx.nodeRange(node, kw) };
  const value = ctx.token(node, 'Word');
  if (value) {
    result.value =
      name === 'entries'
        ? integerValue(ctx, value, { expected: 'a number of cache entries like 10000' })
        : durationValue(ctx, value);
  }
  return result;
}

function storageBlock(ctx: CstContext, node: CstNode): Ast.StorageBlock | undefined {
  const kw = leadingKeyword(ctx, node, 'Storage');
  if (!kw) return undefined;
  const settings: Ast.StorageSetting[] = [];
  for (const child of ctx.nodes(node, 'storageSetting')) {
    const key = ctx.token(child, 'keyword');
    if (!key) continue;
    const setting: Ast.StorageSetting = {
      kind: 'StorageSetting',
      keyword: ctx.keyword(key),
      name: key.image as Ast.StorageSetting['name'],
      range: ctx.nodeRange(child, key),
    };
    const path = ctx.token(child, 'StringLiteral');
    if (path) setting.path = ctx.string(path);
    settings.push(setting);
  }
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
    case 'hostnameSetting': {
      const kw = leadingKeyword(ctx, node, 'Hostname');
      if (!kw) return undefined;
      const result: Ast.Hostname = { kind: 'Hostname', keyword: ctx.keyword(kw), range: ctx.nodeRange(node, kw) };
      const value = ctx.token(node, 'Word');
      if (value) result.value = domainValue(ctx, value, { fqdn: true, expected: 'a fully-qualified host name like mail.example.com' });
      return result;
    }
    case 'tlsBlock':
      return tlsBlock(ctx, node);
    case 'connectionsSetting':
      return connectionsSetting(ctx, node);
    case 'authBlock':
      return authBlock(ctx, node);
    case 'relayBlock':
      return relayBlock(ctx, node);
    case 'localDomains': {
      const kw = leadingKeyword(ctx, node, 'LocalDomains');
      if (!kw) return undefined;
      const domains = ctx.tokens(node, 'Word').map((t) => domainValue(ctx, t));
      return { kind: 'LocalDomains', keyword: ctx.keyword(kw), domains, range: ctx.nodeRange(node, kw) };
    }
    case 'relayTo':
      return relayTo(ctx, node);
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
    case 'allowBareNewlines': {
      const kw = leadingKeyword(ctx, node, 'AllowBareNewlines');
      if (!kw) return undefined;
      return { kind: 'AllowBareNewlines', keyword: ctx.keyword(kw), range: ctx.nodeRange(node, kw) };
    }
    default:
      return undefined;
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

function tlsFile(ctx: CstContext, node: CstNode): Ast.TlsFile | undefined {
  const kw = ctx.token(node, 'keyword');
  if (!kw) return undefined;
  const result: Ast.TlsFile = {
    kind: 'TlsFile',
    keyword: ctx.keyword(kw),
    name: kw.image as Ast.TlsFile['name'],
    range: ctx.nodeRange(node, kw),
  };
  const path = ctx.token(node, 'StringLiteral');
  if (path) result.path = ctx.string(path);
  return result;
}

function tlsSetting(ctx: CstContext, node: CstNode): Ast.TlsSetting | undefined {
  switch (node.name) {
    case 'tlsFile':
      return tlsFile(ctx, node);
    case 'tlsMode': {
      const kw = ctx.token(node, 'keyword');
      if (!kw) return undefined;
      return { kind: 'TlsMode', keyword: ctx.keyword(kw), mode: kw.image as Ast.TlsMode['mode'], range: ctx.nodeRange(node, kw) };
    }
    case 'tlsMinVersion': {
      const kw = leadingKeyword(ctx, node, 'MinVersion');
      if (!kw) return undefined;
      const result: Ast.TlsMinVersion = { kind: 'TlsMinVersion', keyword: ctx.keyword(kw), range: ctx.nodeRange(node, kw) };
      const value = ctx.token(node, 'Word');
      if (value) result.value = tlsVersionValue(ctx, value);
      return result;
    }
    case 'tlsMinCipherBits': {
      const kw = leadingKeyword(ctx, node, 'MinCipherBits');
      if (!kw) return undefined;
      const result: Ast.TlsMinCipherBits = { kind: 'TlsMinCipherBits', keyword: ctx.keyword(kw), range: ctx.nodeRange(node, kw) };
      const value = ctx.token(node, 'Word');
      if (value) result.value = integerValue(ctx, value, { min: 1, max: 512, expected: 'a number of bits like 128' });
      return result;
    }
    case 'tlsSni': {
      const kw = leadingKeyword(ctx, node, 'Sni');
      if (!kw) return undefined;
      const files = ctx
        .nodes(node, 'tlsFile')
        .map((child) => tlsFile(ctx, child))
        .filter((f): f is Ast.TlsFile => f !== undefined);
      const result: Ast.TlsSni = { kind: 'TlsSni', keyword: ctx.keyword(kw), files, range: ctx.nodeRange(node, kw) };
      const host = ctx.token(node, 'Word');
      if (host) result.hostname = domainValue(ctx, host, { fqdn: true, expected: 'a fully-qualified host name like other.example.com' });
      return result;
    }
    default:
      return undefined;
  }
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
    if (child.name === 'senderMustMatch') {
      const key = ctx.token(child, 'SenderMustMatch');
      if (key) settings.push({ kind: 'AuthSenderMatch', keyword: ctx.keyword(key), range: ctx.nodeRange(child, key) });
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
  if (hold && holdKeyword) {
    result.target = { kind: 'Hold', keyword: ctx.keyword(holdKeyword), range: ctx.nodeRange(hold, holdKeyword) };
  } else if (smarthost && smarthostKeyword) {
    result.target = smarthostTarget(ctx, smarthost, smarthostKeyword);
  } else {
    ctx.missing("'smarthost HOST:PORT' or 'hold'", kw);
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
    case 'smarthostUser': {
      const kw = leadingKeyword(ctx, node, 'User');
      if (!kw) return undefined;
      const result: Ast.SmarthostUser = { kind: 'SmarthostUser', keyword: ctx.keyword(kw), range: ctx.nodeRange(node, kw) };
      const value = ctx.token(node, 'StringLiteral');
      if (value) result.value = ctx.string(value);
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
      return undefined;
  }
}

const LIMIT_KINDS: Record<Ast.LimitName, 'size' | 'duration' | 'count'> = {
  'message-size': 'size',
  recipients: 'count',
  connections: 'count',
  'connections-per-address': 'count',
  'session-timeout': 'duration',
  'data-timeout': 'duration',
  'idle-timeout': 'duration',
  'greeting-delay': 'duration',
  'auth-failures': 'count',
  'auth-failure-window': 'duration',
};

function limitsBlock(ctx: CstContext, node: CstNode): Ast.LimitsBlock | undefined {
  const kw = leadingKeyword(ctx, node, 'Limits');
  if (!kw) return undefined;
  const settings: Ast.LimitSetting[] = [];
  for (const child of ctx.nodes(node, 'limitSetting')) {
    const key = ctx.token(child, 'keyword');
    if (!key) continue;
    const name = key.image as Ast.LimitName;
    const setting: Ast.LimitSetting = { kind: 'LimitSetting', keyword: ctx.keyword(key), name, range: ctx.nodeRange(child, key) };
    const value = ctx.token(child, 'Word');
    if (value) {
      const kind = LIMIT_KINDS[name];
      setting.value =
        kind === 'size'
          ? sizeValue(ctx, value)
          : kind === 'duration'
            ? durationValue(ctx, value)
            : integerValue(ctx, value, { min: 1, expected: LIMIT_VALUES[name] ?? 'a number' });
    }
    settings.push(setting);
  }
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
