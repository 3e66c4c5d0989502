// runtime/config: the runtime config contract (types.ts, schema.json) and its loading.
export { loadRuntimeConfig, validateRuntimeConfig } from './load.js';
export { ConfigError, formatProblem, type ConfigProblem } from './config-error.js';
export { plainCopy } from './plain-copy.js';
export * from './types.js';
