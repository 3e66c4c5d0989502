// A deep copy of a runtime config as plain data.
//
// A config is JSON's values as `compile` writes it and `serve` reads it, but one the compiler
// made in this process is not only plain objects: its address items spell their `cidr` and
// `source` strings when read (compiler/cidr-entry-item.ts). structuredClone copies neither
// their accessors nor their private fields (an item would lose its `kind`), so a copy that
// is to be edited is made through JSON, the way the config crosses to workers.
import type { RuntimeConfig } from './types.js';

export function plainCopy(config: RuntimeConfig): RuntimeConfig {
  return JSON.parse(JSON.stringify(config)) as RuntimeConfig;
}
