// Large policies through the commands as a user runs them: `lint` in every format and
// `compile`, each a fresh process of the published build (dist/bin/smtppolicy.js), on
// generated policies of 5 MB and 50 MB (quick: 0.5 MB and 5 MB). For each: wall time, peak
// RSS and output size. Goals (issue 14): the larger policy takes at most 12× the time of
// the smaller (linear, with room for the garbage collector), peak RSS under 1 GB, output
// under 10× the input. The reference is the same command on the smaller policy.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { BenchOptions, BenchRow } from './bench-kit.js';
import { generatePolicy } from './generate-policy.js';

const root = join(import.meta.dirname, '..');
const CLI = join(root, 'dist', 'bin', 'smtppolicy.js');
/** Prints the process's peak RSS to file descriptor 3 as it exits. */
const PEAK_RSS_HOOK = join(import.meta.dirname, 'report-peak-rss.mjs');
const MB = 1_000_000;
const MAX_RATIO = 12;
/** 1 GB: 10^9 bytes, in MiB (the stricter reading of the goal). */
const MAX_RSS_MIB = 1e9 / 2 ** 20;
const MAX_OUTPUT_FACTOR = 10;

const COMMANDS: { name: string; argv: (file: string) => string[] }[] = [
  ...['pretty', 'json', 'sarif', 'github', 'gitlab', 'junit'].map((format) => ({ name: `lint --format ${format}`, argv: (file: string) => ['lint', file, '--format', format] })),
  { name: 'compile', argv: (file: string) => ['compile', file] },
];

interface Measured {
  ms: number;
  peakRssMiB: number;
  outputBytes: number;
  code: number;
}

/** One run of the command in a process of its own; output is counted, not kept. */
function measure(argv: string[], cwd: string): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--import', PEAK_RSS_HOOK, CLI, ...argv], { cwd, stdio: ['ignore', 'pipe', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let outputBytes = 0;
    let rss = '';
    child.stdout!.on('data', (c: Buffer) => (outputBytes += c.length));
    child.stderr!.on('data', (c: Buffer) => (outputBytes += c.length));
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (c: Buffer) => (rss += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === null || code > 2) reject(new Error(`smtppolicy ${argv.join(' ')} exited ${code}`));
      else resolve({ ms: performance.now() - started, peakRssMiB: Number(rss) / 1024, outputBytes, code });
    });
  });
}

/** A generated policy of about `bytes` bytes (bench/generate-policy.ts scales by lines). */
function policyOfSize(bytes: number): string {
  const sample = generatePolicy(10_000);
  return generatePolicy(Math.round((10_000 * bytes) / sample.length));
}

export async function run({ quick }: BenchOptions): Promise<BenchRow[]> {
  if (!existsSync(CLI)) throw new Error('dist/ is missing: run npm run build first');
  const [small, large] = quick ? [0.5 * MB, 5 * MB] : [5 * MB, 50 * MB];
  const dir = await mkdtemp(join(tmpdir(), 'smtppolicy-bench-large-'));
  const rows: BenchRow[] = [];
  try {
    const files: { label: string; file: string; bytes: number }[] = [];
    for (const size of [small, large]) {
      const text = policyOfSize(size);
      const file = `policy-${size / MB}MB.smtppolicy`;
      await writeFile(join(dir, file), text);
      files.push({ label: `${(text.length / MB).toFixed(1)} MB`, file, bytes: text.length });
    }
    const [smaller, larger] = files as [(typeof files)[0], (typeof files)[0]];
    for (const command of COMMANDS) {
      const reference = await measure(command.argv(smaller.file), dir);
      const measured = await measure(command.argv(larger.file), dir);
      const ratio = measured.ms / reference.ms;
      rows.push(
        {
          name: `${command.name}, ${larger.label}`,
          value: measured.ms,
          unit: 'ms',
          reference: { name: `${smaller.label}`, value: reference.ms },
          target: `≤ ${MAX_RATIO}× the ${smaller.label} time (${(ratio).toFixed(1)}×)`,
          met: ratio <= MAX_RATIO,
        },
        { name: `peak RSS, ${command.name}, ${larger.label}`, value: measured.peakRssMiB, unit: 'MiB', reference: { name: smaller.label, value: reference.peakRssMiB }, target: `< 1 GB (${MAX_RSS_MIB.toFixed(0)} MiB)`, met: measured.peakRssMiB < MAX_RSS_MIB },
        {
          name: `output, ${command.name}, ${larger.label}`,
          value: measured.outputBytes / MB,
          unit: 'MB',
          reference: { name: `input`, value: larger.bytes / MB },
          target: `< ${MAX_OUTPUT_FACTOR}× the input`,
          met: measured.outputBytes < MAX_OUTPUT_FACTOR * larger.bytes,
        },
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return rows;
}
