// CLI cold start: `smtppolicy lint examples/quickstart.smtppolicy` as a whole process, as a
// user (or a CI job, or a pre-commit hook) runs it: the published (bundled) build, under plain
// node. Reference: `node -e 0`, the least any node program pays to start. Median of runs,
// run alternately so that a change in machine load hits both the same way.

import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import type { BenchOptions, BenchRow } from './bench-kit.js';
import { median, printWhenRunDirectly } from './bench-kit.js';
import { CLI, ensureBuilt } from './published-build.js';

const run_ = promisify(execFile);
const root = join(import.meta.dirname, '..');

async function wallMs(args: string[]): Promise<number> {
  const started = performance.now();
  await run_(process.execPath, args, { cwd: root, timeout: 60_000 });
  return performance.now() - started;
}

export async function run({ quick }: BenchOptions): Promise<BenchRow[]> {
  await ensureBuilt();
  const lint = [CLI, 'lint', 'examples/quickstart.smtppolicy'];
  const bare = ['-e', '0'];
  // Warm the file system cache for both.
  await wallMs(lint);
  await wallMs(bare);
  const runs = quick ? 7 : 21;
  const lintTimes: number[] = [];
  const bareTimes: number[] = [];
  for (let i = 0; i < runs; i++) {
    lintTimes.push(await wallMs(lint));
    bareTimes.push(await wallMs(bare));
  }
  const ms = median(lintTimes);
  const reference = median(bareTimes);
  return [
    {
      name: 'cold `smtppolicy lint examples/quickstart.smtppolicy`',
      value: ms,
      unit: 'ms',
      reference: { name: 'node -e 0', value: reference },
      target: '< 3× node -e 0',
      met: ms < 3 * reference,
    },
  ];
}

await printWhenRunDirectly(import.meta.url, run, 1);
