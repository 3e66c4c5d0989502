// Compiler cost: lint + compile (to the JSON runtime config) of generated policies of
// growing size: time, lines per second and peak memory. The cost must grow linearly.
// Reference: JSON.parse + schema validation of the same runtime config, the least any
// consumer of the config pays. The compiler is timed as it ships (bench/shipped.ts).

import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type * as Compiler from '../compiler/index.js';
import type * as RuntimeConfig from '../runtime/config/index.js';
import type { BenchOptions, BenchRow } from './bench-kit.js';
import { median, printWhenRunDirectly, timeMedian } from './bench-kit.js';
import { generatePolicy } from './generate-policy.js';
import { bundleShipped, importShipped } from './shipped.js';

const run_ = promisify(execFile);
const TARGET_10K_MS = 250;

/** Peak RSS (MiB) of a fresh process doing one compile or one JSON validation: median of `runs`. */
async function peakMemory(child: string, mode: 'compile' | 'json', file: string, runs: number): Promise<number> {
  const values: number[] = [];
  for (let i = 0; i < runs; i++) {
    const { stdout } = await run_(process.execPath, [child, mode, file], { timeout: 120_000, maxBuffer: 1 << 20 });
    values.push((JSON.parse(stdout) as { maxRssMiB: number }).maxRssMiB);
  }
  return median(values);
}

export async function run({ quick }: BenchOptions): Promise<BenchRow[]> {
  const { checkPolicy, emitConfig, hasErrors } = await importShipped<typeof Compiler>('compiler/index.ts');
  const { validateRuntimeConfig } = await importShipped<typeof RuntimeConfig>('runtime/config/index.ts');
  const child = await bundleShipped('bench/compile-memory-child.ts');
  // Quick mode skips 100,000 lines (several seconds per run): growth shows from 1,000 to 10,000.
  const sizes = quick ? [1_000, 10_000] : [1_000, 10_000, 100_000];
  const rows: BenchRow[] = [];
  const dir = await mkdtemp(join(tmpdir(), 'smtppolicy-bench-compile-'));
  let ms10k = 0;
  try {
    for (const lines of sizes) {
      const text = generatePolicy(lines);
      const compile = async () => emitConfig((await checkPolicy('/bench/policy.smtppolicy', { cwd: '/bench', readText: async () => text })).model.config);
      const { diagnostics, model } = await checkPolicy('/bench/policy.smtppolicy', { cwd: '/bench', readText: async () => text });
      if (hasErrors(diagnostics)) throw new Error(`generated policy of ${lines} lines has errors: ${diagnostics[0]!.message}`);
      const json = emitConfig(model.config);
      const runs = lines >= 100_000 ? 3 : quick ? 5 : 11;
      const ms = await timeMedian(runs, compile);
      const reference = await timeMedian(runs, () => validateRuntimeConfig(JSON.parse(json)));
      if (lines === 10_000) ms10k = ms;
      const label = lines.toLocaleString('en');
      const row: BenchRow = { name: `compile ${label} lines`, value: ms, unit: 'ms', reference: { name: 'JSON.parse + validate', value: reference } };
      if (lines === 10_000) Object.assign(row, { target: `< ${TARGET_10K_MS} ms`, met: ms < TARGET_10K_MS });
      if (lines === 100_000 && ms10k) Object.assign(row, { target: `< 10× the 10,000-line time (${(10 * ms10k).toFixed(0)} ms)`, met: ms < 10 * ms10k });
      rows.push(row, { name: `throughput ${label} lines`, value: Math.round(lines / (ms / 1000)), unit: 'lines/s' });

      const policyFile = join(dir, `policy-${lines}.smtppolicy`);
      const configFile = join(dir, `policy-${lines}.json`);
      await writeFile(policyFile, text);
      await writeFile(configFile, json);
      const memoryRuns = quick ? 1 : 3;
      rows.push({
        name: `peak RSS, compile ${label} lines`,
        value: await peakMemory(child, 'compile', policyFile, memoryRuns),
        unit: 'MiB',
        reference: { name: 'JSON.parse + validate, own process', value: await peakMemory(child, 'json', configFile, memoryRuns) },
      });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return rows;
}

await printWhenRunDirectly(import.meta.url, run, 1);
