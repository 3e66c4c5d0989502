// The `state { … }` block → the runtime's StateConfig: where the limits shared by several
// hosts are kept (runtime/state/redis/). The URL is checked here (a password in it is an
// error: the policy is no place for a secret); whether the connection is safe is lint's to
// say (compiler/rules/shared-state-fallback.ts), since a loopback Redis without TLS is fine.
import type { Setting, StateBlock, StatePassword } from '../grammar/ast.js';
import type { StateConfig } from '../runtime/config/types.js';
import { parseRedisUrl } from '../runtime/state/redis/redis-url.js';
import type { Located } from './model.js';
import { single, type ResolveContext } from './resolve-context.js';

export function resolveState(ctx: ResolveContext, block: Located<StateBlock> | undefined): StateConfig | null {
  if (!block) return null;
  const { node, file } = block;
  const setting = (name: string) => single(ctx, file, node.settings.filter((s): s is Setting => s.kind === 'Setting' && s.name === name), name);
  const stringOf = (name: string) => {
    const value = setting(name)?.value;
    return value && !Array.isArray(value) && value.kind === 'String' ? value : undefined;
  };

  const url = stringOf('redis');
  if (!url) {
    if (!setting('redis')) ctx.error(file, node.keyword.range, 'the state block needs the Redis to keep the state in: redis "rediss://HOST:PORT/0"');
  } else {
    const parsed = parseRedisUrl(url.value);
    // a URL with credentials is not repeated: the message goes to terminals and CI logs
    if ('error' in parsed) ctx.error(file, url.range, `state: ${parsed.error}${url.value.includes('@') ? '' : `, found ${url.raw}`}`);
  }

  let password: StateConfig['password'] = null;
  const secret = single(ctx, file, node.settings.filter((s): s is StatePassword => s.kind === 'StatePassword'), 'password')?.source;
  if (secret?.kind === 'Env' && secret.variable) password = { env: secret.variable.text };
  if (secret?.kind === 'File' && secret.path) password = { file: ctx.path(file, secret.path) };

  const ca = stringOf('ca-file');
  if (ca && url && !url.value.toLowerCase().startsWith('rediss:')) {
    ctx.error(file, ca.range, 'state: ca-file applies to TLS, and the URL is redis:// (cleartext): write rediss:// to use it');
  }
  const mode = setting('on-unreachable')?.value;
  const onUnreachable = mode && !Array.isArray(mode) && mode.kind === 'UnreachableMode' && mode.value ? mode.value : 'fail-closed';
  return {
    backend: 'redis',
    url: url?.value ?? '',
    password,
    caFile: ca ? ctx.path(file, ca) : null,
    onUnreachable,
    source: ctx.source(file, node),
  };
}
