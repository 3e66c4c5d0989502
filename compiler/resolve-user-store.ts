// A `users NAME …` declaration → its runtime config: a password file, or a directory
// (`ldap "URL" { … }`) with its defaults applied. Semantic errors are what cannot work at
// all (no URL, no base, a bind DN without its password); what works but is unsafe (a
// cleartext connection, a filter without `{login}`) is left to the lint rules.

import type { LdapDirectory, LdapSetting, Setting, UserStoreDecl } from '../grammar/ast.js';
import type { LdapConfig, UserStoreConfig } from '../runtime/config/types.js';
import { parseLdapUrl } from '../runtime/auth/ldap-url.js';
import { DEFAULT_LDAP } from './defaults.js';

const MAX_MAILBOX_CACHE_MS = 60 * 60 * 1000;
import type { Located } from './model.js';
import { single, type ResolveContext } from './resolve-context.js';
import type { SourceFile } from './source-set.js';

export function resolveUserStore(ctx: ResolveContext, { node, file }: Located<UserStoreDecl>): UserStoreConfig {
  const name = node.name!.text;
  const source = ctx.source(file, node);
  if (node.ldap) return { name, ldap: resolveLdap(ctx, file, name, node.ldap), source };
  if (!node.file) ctx.error(file, node.keyword.range, `user store '${name}' needs a password file or a directory: users ${name} file "<path>" or users ${name} ldap "ldaps://<host>" { … }`);
  return { name, file: node.file ? ctx.path(file, node.file) : '', source };
}

function resolveLdap(ctx: ResolveContext, file: SourceFile, name: string, directory: LdapDirectory): LdapConfig {
  const of = <K extends LdapSetting['kind']>(kind: K) => directory.settings.filter((s): s is Extract<LdapSetting, { kind: K }> => s.kind === kind);
  const setting = (keyword: string): Setting | undefined => single(ctx, file, of('Setting').filter((s) => s.name === keyword), keyword);
  const text = (keyword: string): string | null => {
    const value = setting(keyword)?.value;
    return value && !Array.isArray(value) && value.kind === 'String' ? value.value : null;
  };

  if (directory.url) {
    const url = parseLdapUrl(directory.url.value);
    if ('error' in url) ctx.error(file, directory.url.range, `user store '${name}': ${url.error}, found ${directory.url.raw}`);
    else if (url.ldaps && setting('starttls')) {
      ctx.error(file, setting('starttls')!.keyword.range, `user store '${name}': starttls upgrades an ldap:// connection; ldaps:// is TLS from the start, leave starttls out`);
    }
  }

  const base = text('base');
  if (base === null) ctx.error(file, directory.keyword.range, `user store '${name}' needs a search base: base "ou=people,dc=example,dc=com"`);

  const bindDnSetting = setting('bind-dn');
  const passwordSetting = single(ctx, file, of('LdapBindPassword'), 'bind-password');
  if (bindDnSetting && !passwordSetting) ctx.error(file, bindDnSetting.keyword.range, `user store '${name}': bind-dn needs its password: bind-password env <VARIABLE> or bind-password file "<path>"`);
  if (passwordSetting && !bindDnSetting) ctx.error(file, passwordSetting.keyword.range, `user store '${name}': bind-password without bind-dn: whose password is it? Add bind-dn "<DN>"`);
  let bindPassword: LdapConfig['bindPassword'] = null;
  const secret = passwordSetting?.source;
  if (secret?.kind === 'Env' && secret.variable) bindPassword = { env: secret.variable.text };
  if (secret?.kind === 'File' && secret.path) bindPassword = { file: ctx.path(file, secret.path) };

  const caFile = setting('ca-file')?.value;
  const timeout = single(ctx, file, of('LdapTimeout'), 'timeout')?.value;
  const pool = setting('pool')?.value;
  const mailboxCache = setting('mailbox-cache');
  let mailboxCacheMs = DEFAULT_LDAP.mailboxCacheMs;
  const cacheValue = mailboxCache?.value;
  if (cacheValue && !Array.isArray(cacheValue) && cacheValue.kind === 'Duration' && cacheValue.value !== null) {
    // bounded: a removed mailbox (a person who left) must stop receiving mail within the hour
    if (cacheValue.value > MAX_MAILBOX_CACHE_MS) ctx.error(file, cacheValue.range, `user store '${name}': mailbox-cache is at most 1h, so a removed mailbox stops receiving mail within the hour; found ${cacheValue.text}`);
    else mailboxCacheMs = cacheValue.value;
  }
  return {
    url: directory.url?.value ?? '',
    bindDn: text('bind-dn'),
    bindPassword,
    base: base ?? '',
    filter: text('filter') ?? DEFAULT_LDAP.filter,
    caFile: caFile && !Array.isArray(caFile) && caFile.kind === 'String' ? ctx.path(file, caFile) : null,
    startTls: setting('starttls') !== undefined,
    cleartextLoopback: setting('cleartext-loopback') !== undefined,
    timeoutMs: timeout?.value ?? DEFAULT_LDAP.timeoutMs,
    pool: pool && !Array.isArray(pool) && pool.kind === 'Integer' && pool.value !== null ? pool.value : DEFAULT_LDAP.pool,
    mailboxCacheMs,
  };
}
