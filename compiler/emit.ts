// The runtime config as text. Objects are built in a fixed key order and arrays keep the
// policy's order, so the same policy always gives byte-identical JSON.

import type { RuntimeConfig } from '../runtime/config/types.js';

export function emitConfig(config: RuntimeConfig): string {
  return `${JSON.stringify(config, null, 2)}\n`;
}
