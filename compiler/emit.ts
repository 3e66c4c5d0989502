// The runtime config as text. Objects are built in a fixed key order and arrays keep the
// policy's order, so the same policy always gives byte-identical JSON.

import type { RuntimeConfig } from '../runtime/config/types.js';
import { jsonChunks } from './emit-chunks.js';

export function emitConfig(config: RuntimeConfig): string {
  return `${JSON.stringify(config, null, 2)}\n`;
}

/**
 * The same text as emitConfig, in pieces of about 64 KiB, for writing a large config
 * without ever holding all of it (test/compiler/emit-chunks.test.ts checks they agree).
 */
export function emitConfigChunks(config: RuntimeConfig): Iterable<string> {
  return jsonChunks(config);
}
