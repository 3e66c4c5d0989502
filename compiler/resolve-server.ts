// One `server` block → one ServerConfig, with every default written out.

import type {
  AuthBlock,
  Connections,
  HostPort,
  LimitsBlock,
  RateLimitName,
  Listen,
  RelayBlock,
  RelayTo,
  Route,
  ServerDecl,
  ServerSetting,
  TlsBlock,
  TlsFile,
} from '../grammar/ast.js';
import type {
  AuthConfig,
  AuthMechanism,
  AuthMechanismConfig,
  CertificateConfig,
  ConnectionControl,
  LimitsConfig,
  ListenConfig,
  RelayConfig,
  RelayTarget,
  RouteConfig,
  ServerConfig,
  TlsConfig,
} from '../runtime/config/types.js';
import { DEFAULT_LIMITS, DEFAULT_TLS, LIMIT_FIELDS, RATE_LIMITS, TLS_VERSION_NAMES } from './defaults.js';
import type { ResolveContext } from './resolve-context.js';
import { single } from './resolve-context.js';
import type { EntryResolver } from './resolve-entries.js';
import type { SourceFile } from './source-set.js';
import { didYouMean } from './suggest.js';
import { resolveRecipients } from './resolve-recipients.js';

/** What `basic`, `challenge-response` and `token` mean on the wire. */
const MECHANISMS: Record<'basic' | 'challenge-response' | 'token', AuthMechanism[]> = {
  basic: ['PLAIN', 'LOGIN'],
  'challenge-response': ['CRAM-MD5'],
  token: ['XOAUTH2'],
};

export interface ServerScope {
  ctx: ResolveContext;
  entries: EntryResolver;
  userStoreNames: ReadonlySet<string>;
}

type SettingOf<K extends ServerSetting['kind']> = Extract<ServerSetting, { kind: K }>;

export function resolveServer(scope: ServerScope, file: SourceFile, decl: ServerDecl): ServerConfig {
  const { ctx } = scope;
  const name = decl.name?.text ?? '';
  const of = <K extends ServerSetting['kind']>(kind: K): SettingOf<K>[] =>
    decl.settings.filter((s): s is SettingOf<K> => s.kind === kind);

  const hostname = single(ctx, file, of('Hostname'), 'hostname');
  if (!hostname) {
    ctx.error(file, decl.keyword.range, `server '${name}' has no hostname: add 'hostname <fqdn>', the name clients and certificates use`);
  }
  /** Settings of the keyword table without a node kind of their own, by keyword. */
  const setting = (keyword: string) => of('Setting').filter((s) => s.name === keyword);
  const banner = single(ctx, file, setting('banner'), 'banner')?.value;
  const listen = resolveListen(scope, file, of('Listen'));
  const localDomains = of('LocalDomains').flatMap((setting) =>
    setting.domains.flatMap((d) => (d.value ? [{ kind: 'domain' as const, domain: d.value, source: ctx.source(file, d) }] : [])),
  );
  const routes = resolveRoutes(scope, file, of('Route'), new Set(localDomains.map((d) => d.domain)));
  if (of('Listen').length === 0) {
    ctx.error(file, decl.keyword.range, `server '${name}' has no listen address: add for example 'listen 0.0.0.0:25'`);
  }
  // the runtime config's own check refuses it too; said here, at the listener, in policy terms
  if (of('Tls').length === 0) {
    for (const endpoint of of('Listen').flatMap((s) => s.endpoints)) {
      if (endpoint.implicitTls) ctx.error(file, endpoint.implicitTls.range, `implicit-tls needs a certificate, but server '${name}' has no tls block: add tls { certificate "…" key "…" }`);
    }
  }

  const recipientBlocks = of('Recipients');
  const recipients = resolveRecipients({ ctx, userStoreNames: scope.userStoreNames, serverName: name, localDomains }, file, recipientBlocks);

  return {
    name,
    hostname: hostname?.value?.value ?? '',
    // Written only when set, so configs without a banner stay as they were.
    ...(banner && !Array.isArray(banner) && banner.kind === 'String' ? { banner: banner.value } : {}),
    listen,
    tls: resolveTls(scope, file, single(ctx, file, of('Tls'), 'tls')),
    connections: resolveConnections(scope, file, single(ctx, file, of('Connections'), 'connections')),
    auth: resolveAuth(scope, file, single(ctx, file, of('Auth'), 'auth')),
    relay: resolveRelay(scope, file, single(ctx, file, of('Relay'), 'relay')),
    localDomains,
    // Written only when the server has recipient lists, so configs without one stay as they were.
    ...(recipientBlocks.length > 0 ? { recipients } : {}),
    relayTo: resolveRelayTo(scope, file, single(ctx, file, of('RelayTo'), 'relay-to')),
    // Written only when there are routes, so configs without any stay as they were.
    ...(routes.length > 0 ? { routes } : {}),
    limits: resolveLimits(scope, file, single(ctx, file, of('Limits'), 'limits')),
    proxyProtocol: of('ProxyProtocol').flatMap((p) => scope.entries.resolve(p.entries, file, 'proxy-protocol', false)),
    gateways: of('Gateways').flatMap((g) => scope.entries.resolve(g.entries, file, 'gateways', false)),
    rejectBareLineEndings: of('AllowBareNewlines').length === 0,
    source: ctx.source(file, decl),
  };
}

/** An endpoint that can be bound: an IP address (not a name) and a port. */
export function bindableEndpoint(
  ctx: ResolveContext,
  file: SourceFile,
  address: HostPort,
): { address: string; port: number } | undefined {
  const value = address.value;
  if (!value) return undefined; // the parser reported it
  if (value.family === 'name') {
    ctx.error(file, address.range, `expected an IP address to listen on, found the name '${value.host}' (write 127.0.0.1:25 or [::1]:25)`);
    return undefined;
  }
  if (value.port === null) {
    ctx.error(file, address.range, `expected a port after the address, like ${value.family === 6 ? `[${value.host}]:25` : `${value.host}:25`}`);
    return undefined;
  }
  return { address: value.host, port: value.port };
}

function resolveListen(scope: ServerScope, file: SourceFile, settings: Listen[]): ListenConfig[] {
  const result: ListenConfig[] = [];
  for (const setting of settings) {
    for (const endpoint of setting.endpoints) {
      const bound = bindableEndpoint(scope.ctx, file, endpoint.address);
      if (!bound) continue;
      result.push({
        ...bound,
        tlsMode: endpoint.implicitTls ? 'implicit' : 'starttls',
        source: scope.ctx.source(file, endpoint),
      });
    }
  }
  return result;
}

function resolveTls(scope: ServerScope, file: SourceFile, block: TlsBlock | undefined): TlsConfig | null {
  if (!block) return null;
  const { ctx } = scope;
  const settingsOf = <K extends TlsBlock['settings'][number]['kind']>(kind: K) =>
    block.settings.filter((s): s is Extract<TlsBlock['settings'][number], { kind: K }> => s.kind === kind);

  const certificates: CertificateConfig[] = [];
  const defaultPair = certificatePair(scope, file, settingsOf('TlsFile'), block.keyword.range, 'tls');
  if (defaultPair) certificates.push({ ...defaultPair, serverNames: [], source: ctx.source(file, block) });
  for (const sni of settingsOf('TlsSni')) {
    const pair = certificatePair(scope, file, sni.files, sni.keyword.range, `sni ${sni.hostname?.text ?? ''}`.trim());
    if (pair && sni.hostname?.value) {
      certificates.push({ ...pair, serverNames: [sni.hostname.value], source: ctx.source(file, sni) });
    }
  }

  const modes = settingsOf('TlsMode');
  const mode = modes[0];
  for (const other of modes.slice(1)) {
    ctx.error(file, other.keyword.range, `TLS is already '${mode!.mode}' at line ${mode!.range.start.line}; write either require or optional, once`);
  }
  const version = single(ctx, file, settingsOf('TlsMinVersion'), 'min-version');
  const bits = single(ctx, file, settingsOf('TlsMinCipherBits'), 'min-cipher-bits');
  return {
    certificates,
    mode: mode?.mode === 'require' ? 'required' : DEFAULT_TLS.mode,
    minVersion: version?.value?.value ? TLS_VERSION_NAMES[version.value.value] : DEFAULT_TLS.minVersion,
    minCipherBits: bits?.value?.value ?? DEFAULT_TLS.minCipherBits,
    source: ctx.source(file, block),
  };
}

/** `certificate` and `key` belong together: one without the other cannot serve TLS. */
function certificatePair(
  scope: ServerScope,
  file: SourceFile,
  files: TlsFile[],
  blockRange: TlsBlock['range'],
  where: string,
): { certificate: string; key: string } | undefined {
  const { ctx } = scope;
  const certificate = single(ctx, file, files.filter((f) => f.name === 'certificate'), 'certificate');
  const key = single(ctx, file, files.filter((f) => f.name === 'key'), 'key');
  if (certificate && !key) ctx.error(file, certificate.keyword.range, `${where} has a certificate but no key: add key "<file>"`);
  if (key && !certificate) ctx.error(file, key.keyword.range, `${where} has a key but no certificate: add certificate "<file>"`);
  if (!certificate?.path || !key?.path) {
    if (!certificate && !key && where !== 'tls') ctx.error(file, blockRange, `${where} needs a certificate and a key`);
    return undefined;
  }
  return { certificate: ctx.path(file, certificate.path), key: ctx.path(file, key.path) };
}

function resolveConnections(scope: ServerScope, file: SourceFile, setting: Connections | undefined): ConnectionControl {
  if (!setting) return { mode: 'deny-list', entries: [], source: null };
  return {
    mode: setting.mode?.value === 'only' ? 'allow-list' : 'deny-list',
    entries: scope.entries.resolve(setting.entries, file, 'connections'),
    source: scope.ctx.source(file, setting),
  };
}

function resolveAuth(scope: ServerScope, file: SourceFile, block: AuthBlock | undefined): AuthConfig {
  // No auth block: the server takes mail from anyone allowed to connect (an inbound MX).
  if (!block) return { mechanisms: [], anonymous: true, senderMustMatch: false, source: null };
  const { ctx } = scope;
  const mechanisms: AuthMechanismConfig[] = [];
  const seen = new Map<string, number>();
  let anonymous = false;
  let senderMustMatch = false;
  for (const setting of block.settings) {
    if (setting.kind === 'AuthSenderMatch') {
      senderMustMatch = true;
      continue;
    }
    const firstLine = seen.get(setting.method);
    if (firstLine !== undefined) {
      ctx.error(file, setting.keyword.range, `auth method '${setting.method}' is already listed at line ${firstLine}`);
      continue;
    }
    seen.set(setting.method, setting.range.start.line);
    if (setting.method === 'anonymous') {
      anonymous = true;
      continue;
    }
    let userStore: string | null = null;
    const storeName = setting.users?.name;
    if (storeName) {
      if (scope.userStoreNames.has(storeName.text)) userStore = storeName.text;
      else ctx.error(file, storeName.range, `unknown user store '${storeName.text}'${didYouMean(storeName.text, scope.userStoreNames)}`);
    }
    for (const mechanism of MECHANISMS[setting.method]) {
      mechanisms.push({ mechanism, userStore, source: ctx.source(file, setting) });
    }
  }
  return { mechanisms, anonymous, senderMustMatch, source: ctx.source(file, block) };
}

function resolveRelay(scope: ServerScope, file: SourceFile, block: RelayBlock | undefined): RelayConfig {
  // The article's default: relaying is denied except for clients that authenticate.
  if (!block) return { anyone: false, authenticated: true, entries: [], source: null };
  const addressEntries = block.entries.filter((e) => e.kind !== 'Anyone' && e.kind !== 'Authenticated');
  return {
    anyone: block.entries.some((e) => e.kind === 'Anyone'),
    authenticated: block.entries.some((e) => e.kind === 'Authenticated'),
    entries: scope.entries.resolve(addressEntries as Parameters<EntryResolver['resolve']>[0], file, 'relay'),
    source: scope.ctx.source(file, block),
  };
}

function resolveRelayTo(scope: ServerScope, file: SourceFile, setting: RelayTo | undefined): RelayTarget {
  const { ctx } = scope;
  const target = setting?.target;
  if (!setting || !target) return { kind: 'hold', source: setting ? ctx.source(file, setting) : null };
  if (target.kind === 'Hold') return { kind: 'hold', source: ctx.source(file, setting) };
  if (target.kind === 'Direct') return { kind: 'direct', source: ctx.source(file, setting) };

  const address = target.address?.value;
  const tls = single(ctx, file, target.settings.filter((s) => s.kind === 'SmarthostTls'), 'smart host tls');
  const user = single(ctx, file, target.settings.filter((s) => s.kind === 'SmarthostUser'), 'smart host user');
  const password = single(ctx, file, target.settings.filter((s) => s.kind === 'SmarthostPassword'), 'smart host password');
  if (user && !password) ctx.error(file, user.keyword.range, `smart host user '${user.value?.value ?? ''}' has no password: add password env <VARIABLE> or password file "<path>"`);

  let passwordSource: { env: string } | { file: string } | null = null;
  const source = password?.source;
  if (source?.kind === 'Env' && source.variable) passwordSource = { env: source.variable.text };
  if (source?.kind === 'File' && source.path) passwordSource = { file: ctx.path(file, source.path) };

  return {
    kind: 'smarthost',
    host: address?.host ?? '',
    port: address?.port ?? 0, // the parser requires a port; 0 only where it already reported an error
    // Secure default: never hand relayed mail to a smart host in clear unless told to.
    tls: tls?.mode?.value === 'optional' ? 'optional' : tls?.mode?.value === 'none' ? 'none' : 'required',
    verifyCertificate: !tls?.noVerify,
    user: user?.value?.value ?? null,
    password: passwordSource,
    source: ctx.source(file, setting),
  };
}

/** `route DOMAIN HOST:PORT`: one per domain, never for a local domain (its mail is not relayed). */
function resolveRoutes(scope: ServerScope, file: SourceFile, settings: Route[], localDomains: ReadonlySet<string>): RouteConfig[] {
  const { ctx } = scope;
  const routes: RouteConfig[] = [];
  const lineOf = new Map<string, number>();
  for (const setting of settings) {
    const domain = setting.domain?.value ?? null;
    const address = setting.address?.value ?? null;
    if (!setting.domain || domain === null || address === null || address.port === null) continue; // the parser reported it
    const earlier = lineOf.get(domain);
    if (earlier !== undefined) {
      ctx.error(file, setting.domain.range, `a route for ${domain} is already set at line ${earlier}`);
      continue;
    }
    if (localDomains.has(domain)) {
      ctx.error(file, setting.domain.range, `${domain} is a local domain: its mail is delivered to local mailboxes, never relayed, so a route for it would never be used`);
      continue;
    }
    lineOf.set(domain, setting.range.start.line);
    routes.push({ domain, host: address.host, port: address.port, source: ctx.source(file, setting) });
  }
  return routes;
}

function resolveLimits(scope: ServerScope, file: SourceFile, block: LimitsBlock | undefined): LimitsConfig {
  const limits: LimitsConfig = { ...DEFAULT_LIMITS, source: block ? scope.ctx.source(file, block) : null };
  if (!block) return limits;
  const seen = new Map<string, number>();
  for (const setting of block.settings) {
    const firstLine = seen.get(setting.name);
    if (firstLine !== undefined) {
      scope.ctx.error(file, setting.keyword.range, `${setting.name} is already set at line ${firstLine}`);
      continue;
    }
    seen.set(setting.name, setting.range.start.line);
    const value = setting.value?.value;
    if (setting.name in RATE_LIMITS) {
      // an invalid rate was reported by the parser (value null); the setting is then left out
      if (value && typeof value === 'object') {
        const { event, per } = RATE_LIMITS[setting.name as RateLimitName];
        (limits.rates ??= []).push({ event, per, count: value.count, periodMs: value.periodMs, source: scope.ctx.source(file, setting) });
      }
      continue;
    }
    if (typeof value === 'number') limits[LIMIT_FIELDS[setting.name as keyof typeof LIMIT_FIELDS].field] = value;
  }
  return limits;
}
