// Shared by every benchmark: the row format that bench/run.ts tabulates and writes to
// bench/results.json, and a median-of-runs timer. Benchmarks are never tests.

import { performance } from 'node:perf_hooks';

export interface BenchOptions {
  /** `npm run bench -- --quick`: fewer sizes and runs, the whole suite in under two minutes. */
  quick: boolean;
}

export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  /** What the figure is compared with, measured in the same run. */
  reference?: { name: string; value: number };
  /** The goal, in words ("< 250 ms"), when the project has one for this figure. */
  target?: string;
  /** Whether the target is met, when there is one. */
  met?: boolean;
}

export interface BenchModule {
  run(options: BenchOptions): Promise<BenchRow[]>;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Median wall time in milliseconds of `runs` calls, after one warm-up call. */
export async function timeMedian(runs: number, fn: () => unknown | Promise<unknown>): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return median(times);
}

/**
 * `node --import tsx bench/<name>.bench.ts [--quick]`: a benchmark run on its own prints its
 * rows, figures to `digits` decimals (bench/run.ts imports them all and writes the table).
 */
export async function printWhenRunDirectly(moduleUrl: string, run: BenchModule['run'], digits: number): Promise<void> {
  if (moduleUrl !== `file://${process.argv[1]}`) return;
  for (const row of await run({ quick: process.argv.includes('--quick') })) {
    const reference = row.reference ? ` (${row.reference.name}: ${row.reference.value.toFixed(digits)})` : '';
    console.log(`${row.name}: ${row.value.toFixed(digits)} ${row.unit}${reference}`);
  }
}
