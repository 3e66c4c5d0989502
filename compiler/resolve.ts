// Resolution: all parsed files of a policy → one PolicyModel (runtime config + links back
// to syntax). Names are global across included files; each is declared once.

import { dirname, resolve as resolvePath } from 'node:path';
import type { AdminBlock, ListDecl, ResolverBlock, ServerDecl, StateBlock, StorageBlock, TopLevelItem, UserStoreDecl } from '../grammar/ast.js';
import type { Diagnostic } from '../grammar/diagnostic.js';
import type { ResolverConfig, RuntimeConfig, StorageConfig } from '../runtime/config/types.js';
import { RUNTIME_CONFIG_VERSION } from '../runtime/config/types.js';
import type { CheckReuse } from './check-reuse.js';
import { DEFAULT_RESOLVER, DEFAULT_STORAGE } from './defaults.js';
import type { Located, PolicyModel, ServerModel } from './model.js';
import { configPath } from './paths.js';
import { ResolveContext, single } from './resolve-context.js';
import { EntryResolver } from './resolve-entries.js';
import { bindableEndpoint, resolveServer } from './resolve-server.js';
import { resolveUserStore } from './resolve-user-store.js';
import { resolveState } from './resolve-state.js';
import type { SourceFile } from './source-set.js';

export interface ResolveResult {
  model: PolicyModel;
  diagnostics: Diagnostic[];
}

type ItemOf<K extends TopLevelItem['kind']> = Extract<TopLevelItem, { kind: K }>;

/** `baseDir`: the directory the config's paths will be relative to (where the JSON will live). */
export function resolvePolicy(files: SourceFile[], baseDir: string, reuse?: CheckReuse): ResolveResult {
  const ctx = new ResolveContext(baseDir);
  reuse?.beginResolve();
  const all = <K extends TopLevelItem['kind']>(kind: K): Located<ItemOf<K>>[] =>
    files.flatMap((file) =>
      file.ast.items.filter((i): i is ItemOf<K> => i.kind === kind).map((node) => ({ node, file })),
    );

  const lists = declareNames(ctx, all('List'), 'list');
  const userStores = declareNames(ctx, all('UserStore'), 'user store');
  const serverDecls = declareNames(ctx, all('Server'), 'server');
  const entries = new EntryResolver(ctx, lists, reuse);
  const scope = { ctx, entries, userStoreNames: new Set(userStores.keys()) };

  // Lists are checked even when no server uses them, so their errors are never hidden.
  for (const name of lists.keys()) entries.listItems(name);

  const servers: ServerModel[] = [...serverDecls.values()].map(({ node, file }) => ({
    decl: node,
    file,
    config: resolveServer(scope, file, node),
  }));

  const entryFile = files[0]!;
  const config: RuntimeConfig = {
    version: RUNTIME_CONFIG_VERSION,
    sources: files.map((f) => configPath(f.path, baseDir)),
    resolver: resolveResolver(ctx, onlyOne(ctx, all('Resolver'), 'resolver')),
    storage: resolveStorage(ctx, entryFile, onlyOne(ctx, all('Storage'), 'storage')),
    userStores: [...userStores.values()].map((located) => resolveUserStore(ctx, located)),
    admin: resolveAdmin(ctx, onlyOne(ctx, all('Admin'), 'admin')),
    servers: servers.map((s) => s.config),
  };
  // absent unless written: configs (and goldens) without a state block stay as they were
  const state = resolveState(ctx, onlyOne(ctx, all('State'), 'state'));
  if (state) config.state = state;

  const model: PolicyModel = {
    baseDir,
    files,
    config,
    servers,
    lists,
    userStores,
    // bound, not an arrow: an arrow here would keep this function's whole scope alive with
    // the model, and with it the entry resolver's expanded copy of every list
    nodeAt: ctx.nodeAt.bind(ctx),
    ...(reuse ? { reuse } : {}),
  };
  return { model, diagnostics: ctx.diagnostics };
}

/** Named declarations: the first of each name wins, later ones are reported. */
function declareNames<T extends ListDecl | UserStoreDecl | ServerDecl>(
  ctx: ResolveContext,
  decls: Located<T>[],
  what: string,
): Map<string, Located<T>> {
  const byName = new Map<string, Located<T>>();
  for (const decl of decls) {
    const name = decl.node.name;
    if (!name) continue; // the parser reported the missing name
    const first = byName.get(name.text);
    if (first) {
      ctx.error(decl.file, name.range, `${what} '${name.text}' is already declared at ${first.file.displayName}:${first.node.range.start.line}`, [
        ctx.related(first.file, first.node.name!.range, `first declaration of ${what} '${name.text}'`),
      ]);
      continue;
    }
    byName.set(name.text, decl);
  }
  return byName;
}

/** Blocks that configure the whole process may appear once across all files. */
function onlyOne<T extends ResolverBlock | StorageBlock | AdminBlock | StateBlock>(
  ctx: ResolveContext,
  blocks: Located<T>[],
  what: string,
): Located<T> | undefined {
  const [first, ...rest] = blocks;
  for (const extra of rest) {
    ctx.error(extra.file, extra.node.keyword.range, `a ${what} block is already written at ${first!.file.displayName}:${first!.node.range.start.line}; write one`, [
      ctx.related(first!.file, first!.node.keyword.range, `first ${what} block`),
    ]);
  }
  return first;
}

function resolveResolver(ctx: ResolveContext, block: Located<ResolverBlock> | undefined): ResolverConfig {
  const config: ResolverConfig = {
    servers: [],
    timeoutMs: DEFAULT_RESOLVER.timeoutMs,
    reverseZones: [],
    cache: { maxTtlMs: DEFAULT_RESOLVER.maxTtlMs, negativeTtlMs: DEFAULT_RESOLVER.negativeTtlMs, maxEntries: DEFAULT_RESOLVER.maxEntries },
    source: null,
  };
  if (!block) return config;
  const { node, file } = block;
  config.source = ctx.source(file, node);
  const of = <K extends ResolverBlock['settings'][number]['kind']>(kind: K) =>
    node.settings.filter((s): s is Extract<ResolverBlock['settings'][number], { kind: K }> => s.kind === kind);

  for (const setting of of('ResolverServers')) {
    for (const endpoint of setting.endpoints) {
      const value = endpoint.value;
      if (!value) continue;
      if (value.family === 'name') {
        ctx.error(file, endpoint.range, `expected the IP address of a DNS server, found the name '${value.host}' (a resolver cannot look up its own address)`);
        continue;
      }
      const port = value.port ?? DEFAULT_RESOLVER.port;
      config.servers.push(value.family === 6 ? `[${value.host}]:${port}` : `${value.host}:${port}`);
    }
  }
  const timeout = single(ctx, file, of('ResolverTimeout'), 'timeout');
  if (timeout?.value?.value != null) config.timeoutMs = timeout.value.value;
  for (const setting of of('ReverseZone')) {
    for (const zone of setting.zones) if (zone.value) config.reverseZones.push(zone.value);
  }
  const cache = single(ctx, file, of('ResolverCache'), 'cache');
  for (const setting of cache?.settings ?? []) {
    const value = setting.value?.value;
    if (value == null) continue;
    if (setting.name === 'max-ttl') config.cache.maxTtlMs = value;
    if (setting.name === 'negative-ttl') config.cache.negativeTtlMs = value;
    if (setting.name === 'entries') config.cache.maxEntries = value;
  }
  return config;
}

function resolveStorage(ctx: ResolveContext, entryFile: SourceFile, block: Located<StorageBlock> | undefined): StorageConfig {
  // Defaults live beside the entry file, like every relative path in it.
  const atEntry = (p: string) => configPath(resolvePath(dirname(entryFile.path), p), ctx.baseDir);
  const storage: StorageConfig = { spool: atEntry(DEFAULT_STORAGE.spool), maildir: atEntry(DEFAULT_STORAGE.maildir) };
  if (!block) return storage;
  const { node, file } = block;
  for (const name of ['spool', 'maildir'] as const) {
    const setting = single(ctx, file, node.settings.filter((s) => s.name === name), name);
    if (setting?.path) storage[name] = ctx.path(file, setting.path);
  }
  return storage;
}

function resolveAdmin(ctx: ResolveContext, block: Located<AdminBlock> | undefined): RuntimeConfig['admin'] {
  if (!block) return null;
  const { node, file } = block;
  const listen = node.listen.flatMap((setting) =>
    setting.endpoints.flatMap((endpoint) => {
      if (endpoint.implicitTls) ctx.error(file, endpoint.implicitTls.range, 'the admin listener serves plain HTTP on a trusted address; implicit-tls does not apply');
      const bound = bindableEndpoint(ctx, file, endpoint.address);
      return bound ? [bound] : [];
    }),
  );
  if (node.listen.length === 0) ctx.error(file, node.keyword.range, "the admin block needs a listen address, like 'listen 127.0.0.1:9725'");
  return { listen, source: ctx.source(file, node) };
}
