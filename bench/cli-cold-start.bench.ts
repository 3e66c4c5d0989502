// CLI cold start: `smtppolicy lint examples/quickstart.smtppolicy` as a whole process, as a
// user (or a CI job, or a pre-commit hook) runs it: the published (bundled) build, under plain
// node. Reference: `node -e 0`, the least any node program pays to start. Median of runs,
// run alternately so that a change in machine load hits both the same way.

import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import type { BenchOptions, BenchRow } from './bench-kit.js';
import { median } from './bench-kit.js';

const run_ = promisify(execFile);
const root = join(import.meta.dirname, '..');
const CLI = join(root, JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).bin.smtppolicy as string);
const SOURCE_DIRS = ['net', 'grammar', 'compiler', 'runtime', 'verify', 'lsp', 'format', 'cli'];

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts') || entry.name.endsWith('.json')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds dist/ when it is missing or older than the sources, so the figure is today's code. */
async function ensureBuilt(): Promise<void> {
  const built = existsSync(CLI) ? statSync(CLI).mtimeMs : 0;
  if (built >= Math.max(...SOURCE_DIRS.map((d) => newestSource(join(root, d))))) return;
  process.stderr.write('  dist/ is missing or older than the sources: npm run build…\n');
  await run_('npm', ['run', 'build'], { cwd: root, timeout: 600_000 });
}

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

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const row of await run({ quick: process.argv.includes('--quick') })) console.log(`${row.name}: ${row.value.toFixed(1)} ${row.unit} (${row.reference?.name}: ${row.reference?.value.toFixed(1)})`);
}
