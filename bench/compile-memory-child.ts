// One measurement of peak memory, in a process of its own so that nothing else counts:
// `compile <policy file>` lints and compiles the policy to JSON; `json <config file>` does
// what the reference does, JSON.parse + schema validation of the equivalent runtime config.
// Prints {"maxRssMiB": …}. Started by bench/compile.bench.ts (bundled, without tsx).

import { readFile } from 'node:fs/promises';
import { checkPolicy, emitConfig, hasErrors } from '../compiler/index.js';
import { validateRuntimeConfig } from '../runtime/config/index.js';

const [mode, file] = process.argv.slice(2);
const text = await readFile(file!, 'utf8');
if (mode === 'compile') {
  const { model, diagnostics } = await checkPolicy(file!, { readText: async () => text });
  if (hasErrors(diagnostics)) throw new Error(`the generated policy has errors: ${diagnostics[0]!.message}`);
  emitConfig(model.config);
} else {
  validateRuntimeConfig(JSON.parse(text));
}
process.stdout.write(`${JSON.stringify({ maxRssMiB: process.resourceUsage().maxRSS / 1024 })}\n`);
