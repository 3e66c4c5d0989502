// Compiler cost: lint + compile of generated policies of growing size. The cost must grow
// linearly. Reference: JSON.parse + schema validation of the same runtime config, the
// least any consumer of the config pays.

import { checkPolicy, emitConfig } from '../compiler/index.js';
import { validateRuntimeConfig } from '../runtime/config/index.js';
import type { BenchOptions, BenchRow } from './bench-kit.js';
import { timeMedian } from './bench-kit.js';
import { generatePolicy } from './generate-policy.js';

const TARGET_10K_MS = 250;

export async function run({ quick }: BenchOptions): Promise<BenchRow[]> {
  const sizes = quick ? [1_000, 10_000] : [1_000, 10_000, 100_000];
  const rows: BenchRow[] = [];
  let ms10k = 0;
  for (const lines of sizes) {
    const text = generatePolicy(lines);
    const compile = () => checkPolicy('/bench/policy.smtppolicy', { cwd: '/bench', readText: async () => text });
    const runs = lines >= 100_000 ? 3 : quick ? 5 : 9;
    const { model } = await compile();
    const json = emitConfig(model.config);
    const ms = await timeMedian(runs, compile);
    const reference = await timeMedian(runs, () => validateRuntimeConfig(JSON.parse(json)));
    if (lines === 10_000) ms10k = ms;
    const row: BenchRow = { name: `compile ${lines.toLocaleString('en')} lines`, value: ms, unit: 'ms', reference: { name: 'JSON.parse + validate', value: reference } };
    if (lines === 10_000) Object.assign(row, { target: `< ${TARGET_10K_MS} ms`, met: ms < TARGET_10K_MS });
    if (lines === 100_000 && ms10k) Object.assign(row, { target: `< 10× the 10,000-line time (${(10 * ms10k).toFixed(0)} ms)`, met: ms < 10 * ms10k });
    rows.push(row, { name: `throughput ${lines.toLocaleString('en')} lines`, value: Math.round(lines / (ms / 1000)), unit: 'lines/s' });
  }
  return rows;
}
