// Opens the shared state a policy's `state { redis "…" }` block names, wired to the
// server's log and metrics: the password read from its variable or file, the CA file for
// `rediss://`, `state-unreachable` / `state-restored` logged once per change, the
// `smtppolicy_state_backend_up` gauge and the count of decisions made without Redis.
// (Here, not in runtime/state/: the state knows nothing of the server's log and metrics.)
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { Logger } from 'pino';
import type { StateConfig } from '../config/types.js';
import type { ServerMetrics } from '../observe/metrics.js';
import type { SharedState } from '../state/index.js';
import { RedisBackend, readCaFile, type RedisBackendOptions } from '../state/redis/redis-backend.js';
import { RedisSharedState } from '../state/redis/redis-shared-state.js';

export interface OpenRedisStateOptions {
  baseDir: string;
  env: NodeJS.ProcessEnv;
  logger: Logger;
  metrics: Pick<ServerMetrics, 'stateBackendUp' | 'stateFallbackDecisions'>;
  /** This host's own limits, for `on-unreachable local`. */
  fallback: SharedState;
}

/** Where and how to connect (the password and CA file read); throws a clear message naming the setting. */
export function redisConnection(config: StateConfig, baseDir: string, env: NodeJS.ProcessEnv): Pick<RedisBackendOptions, 'url' | 'password' | 'ca'> {
  const at = (path: string) => (isAbsolute(path) ? path : resolve(baseDir, path));
  const password = readPassword(config, env, at);
  const ca = config.caFile ? readCaFile(at(config.caFile)) : undefined;
  return { url: config.url, ...(password === undefined ? {} : { password }), ...(ca === undefined ? {} : { ca }) };
}

/** Throws (a clear message naming the setting) when the password or the CA file cannot be read. */
export function openRedisState(config: StateConfig, options: OpenRedisStateOptions): RedisSharedState {
  const connection = redisConnection(config, options.baseDir, options.env);
  const { logger, metrics } = options;
  const fields = { backend: 'redis', url: config.url, onUnreachable: config.onUnreachable, source: config.source };
  let reportedDown = false;
  const backend = new RedisBackend({
    ...connection,
    onChange: (up, error) => {
      metrics.stateBackendUp.set({ backend: 'redis' }, up ? 1 : 0);
      if (!up) {
        reportedDown = true;
        const meaning = config.onUnreachable === 'local'
          ? 'each host applies the limits alone until Redis answers'
          : 'new sessions get 421 and AUTH gets 454 until Redis answers';
        logger.warn({ event: 'state-unreachable', ...fields, error }, `shared state (Redis) unreachable: ${meaning}`);
      } else if (reportedDown) {
        reportedDown = false;
        logger.info({ event: 'state-restored', ...fields }, 'shared state (Redis) answers again');
      }
    },
  });
  return new RedisSharedState({
    redis: backend,
    onUnreachable: config.onUnreachable,
    fallback: options.fallback,
    onFallback: (decision, mode) => metrics.stateFallbackDecisions.inc({ decision, mode }),
  });
}

function readPassword(config: StateConfig, env: NodeJS.ProcessEnv, at: (path: string) => string): string | undefined {
  const source = config.password;
  if (!source) return undefined;
  if ('env' in source) {
    const value = env[source.env];
    if (value === undefined || value === '') throw new Error(`${config.source}: state: the Redis password variable ${source.env} is not set`);
    return value;
  }
  try {
    // a secret file usually ends with a newline that is not part of the password
    return readFileSync(at(source.file), 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    throw new Error(`${config.source}: state: cannot read the Redis password file ${source.file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}
