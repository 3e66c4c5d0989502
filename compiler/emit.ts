// The runtime config as text. Objects are built in a fixed key order and arrays keep the
// policy's order, so the same policy always gives byte-identical JSON.

import type { RuntimeConfig } from '../runtime/config/types.js';
import { jsonChunks } from './emit-chunks.js';

/** The config's JSON (`JSON.stringify(config, null, 2)` and a line break). */
export function emitConfig(config: RuntimeConfig): string {
  let text = '';
  for (const chunk of emitConfigChunks(config)) text += chunk;
  return text;
}

/** The same text as emitConfig, in pieces: for writing a large config without holding all of it. */
export function emitConfigChunks(config: RuntimeConfig): Iterable<string> {
  return jsonChunks(config);
}
