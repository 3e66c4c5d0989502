// `npm run bench -- --node 20 --node 24 [--quick] [name…]`: the same benchmarks on several
// Node builds in one run. A `--node` value is a node binary's path, or a version pinned in
// scripts/node-builds.txt (fetched by scripts/with-node.sh).
//
// Module by module, the builds take turns (compile on 20, compile on 24, cold start on 20…),
// so each pair of figures is measured minutes apart, under nearly the same load of a shared
// machine, rather than one build's whole suite while other engineers were idle and the
// other's while they ran their tests. Each build's figures go to
// bench/results-node-v<version>.json (the shape of bench/results.json), and a table puts
// them side by side with the load average at the start of each measurement.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import type { BenchRow } from './bench-kit.js';

export interface ModuleResult { module: string; rows: BenchRow[]; error?: string; loadAverage?: { start: number[]; end: number[] } }
export interface ResultsFile {
  date: string;
  quick: boolean;
  seconds: number;
  machine: { node: string; loadAverageAtStart: number[]; loadAverageAtEnd: number[]; [key: string]: unknown };
  results: ModuleResult[];
}

interface NodeBuild { spec: string; path: string; version: string }

const root = join(import.meta.dirname, '..');

function resolveNode(spec: string): NodeBuild {
  let path = spec;
  if (/^\d+(\.\d+\.\d+)?$/.test(spec)) {
    const found = spawnSync('bash', [join(root, 'scripts', 'with-node.sh'), spec, 'node', '-p', 'process.execPath'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    if (found.status !== 0) throw new Error(`--node ${spec}: scripts/with-node.sh could not provide it`);
    path = found.stdout.trim();
  }
  const version = spawnSync(path, ['-p', 'process.version'], { encoding: 'utf8' });
  if (version.status !== 0 || !/^v\d+\.\d+\.\d+$/.test(version.stdout.trim())) throw new Error(`--node ${spec}: ${path} is not a working node binary`);
  return { spec, path, version: version.stdout.trim() };
}

const fmt = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(2) : v.toPrecision(3));

/** The figures of every build side by side, with the ratio of each later build to the first. */
export function comparisonTable(runs: { version: string; results: ModuleResult[] }[]): string {
  const [first, ...others] = runs;
  if (!first) return '';
  const load = (r: ModuleResult | undefined) => (r?.loadAverage ? r.loadAverage.start[0]!.toFixed(1) : '?');
  const header = `| benchmark | figure | ${runs.map((r) => `Node ${r.version}`).join(' | ')} | ${others.map((o) => `${o.version} / ${first.version}`).join(' | ')} | load at start (${runs.map((r) => r.version).join(' / ')}) |`;
  const lines = [header, `|${' --- |'.repeat(3 + runs.length + others.length)}`];
  for (const moduleResult of first.results) {
    const peers = runs.map((r) => r.results.find((m) => m.module === moduleResult.module));
    for (const row of moduleResult.rows) {
      const values = peers.map((p) => p?.rows.find((r) => r.name === row.name));
      // With its own reference (measured in the same module run, on the same Node) as a ratio.
      const cells = values.map((v) => (v ? `${fmt(v.value)} ${v.unit}${v.reference?.value ? ` (${(v.value / v.reference.value).toFixed(2)}× ref.)` : ''}` : 'failed'));
      const ratios = values.slice(1).map((v) => (v && row.value ? `${(v.value / row.value).toFixed(2)}×` : ''));
      lines.push(`| ${moduleResult.module} | ${row.name} | ${cells.join(' | ')} | ${ratios.join(' | ')} | ${peers.map(load).join(' / ')} |`);
    }
  }
  return lines.join('\n');
}

/** Runs the modules on each build in turn; returns the process exit code. */
export async function compareNodes(specs: string[], modules: string[], quick: boolean): Promise<number> {
  const builds = specs.map(resolveNode);
  const scratch = mkdtempSync(join(tmpdir(), 'smtppolicy-bench-nodes-'));
  const started = Date.now();
  const runs = builds.map((b) => ({ ...b, results: [] as ModuleResult[], machine: undefined as ResultsFile['machine'] | undefined, seconds: 0 }));
  let failed = false;
  try {
    for (const file of modules) {
      for (const run of runs) {
        process.stderr.write(`== Node ${run.version}: ${file} ==\n`);
        const out = join(scratch, `${run.version}-${file}.json`);
        const child = spawnSync(run.path, ['--import', 'tsx', join(root, 'bench', 'run.ts'), '--results', out, ...(quick ? ['--quick'] : []), file], {
          cwd: root,
          // Tools a module starts by name find this build first, as its own spawns of process.execPath do.
          env: { ...process.env, PATH: `${dirname(run.path)}${delimiter}${process.env.PATH ?? ''}` },
          stdio: ['ignore', 'ignore', 'inherit'],
        });
        if (child.status !== 0) failed = true;
        let result: ResultsFile;
        try {
          result = JSON.parse(readFileSync(out, 'utf8')) as ResultsFile;
        } catch {
          run.results.push({ module: file.replace(/\.bench\.ts$/, ''), rows: [], error: `the run under ${run.path} wrote no results (exit ${child.status ?? child.signal})` });
          continue;
        }
        run.results.push(...result.results);
        run.seconds += result.seconds;
        run.machine = run.machine
          ? { ...run.machine, loadAverageAtEnd: result.machine.loadAverageAtEnd }
          : result.machine;
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  for (const run of runs) {
    const file = join(root, 'bench', `results-node-${run.version}.json`);
    const body: ResultsFile = {
      date: new Date(started).toISOString(),
      quick,
      seconds: Math.round(run.seconds * 10) / 10,
      machine: run.machine ?? { node: run.version, loadAverageAtStart: [], loadAverageAtEnd: [] },
      results: run.results,
    };
    await writeFile(file, `${JSON.stringify(body, null, 2)}\n`);
    process.stderr.write(`wrote ${join('bench', `results-node-${run.version}.json`)}\n`);
  }
  console.log(comparisonTable(runs));
  for (const run of runs) for (const r of run.results) if (r.error) console.log(`\nNode ${run.version}: ${r.module} failed: ${r.error.split('\n')[0]}`);
  return failed ? 1 : 0;
}
