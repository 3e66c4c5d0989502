// `npm run bench [-- --quick] [-- name…]`: runs every bench/*.bench.ts module, prints a
// table and writes bench/results.json. Each module measures its figure next to a
// reference measured in the same run, so ratios hold whatever the machine.
// `--node PATH|VERSION` (repeatable) runs the modules on those Node builds instead, taking
// turns module by module (bench/node-compare.ts); `--results FILE` writes elsewhere than
// bench/results.json.

import { readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { arch, cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BenchModule } from './bench-kit.js';
import { compareNodes, type ModuleResult } from './node-compare.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const nodes: string[] = [];
let resultsFile = join(import.meta.dirname, 'results.json');
const filters: string[] = [];
for (let i = 0; i < args.length; i++) {
  const arg = args[i]!;
  if (arg === '--node' || arg === '--results') {
    const value = args[++i];
    if (!value) throw new Error(`${arg} needs a value`);
    if (arg === '--node') nodes.push(value);
    else resultsFile = resolve(value);
  } else if (!arg.startsWith('--')) filters.push(arg);
}
const dir = import.meta.dirname;
const modules = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

if (nodes.length > 0) {
  process.exitCode = await compareNodes(nodes, modules, quick);
} else {
  await runHere();
}

async function runHere(): Promise<void> {
  const round = (values: number[]) => values.map((l) => Math.round(l * 100) / 100);
  const results: ModuleResult[] = [];
  const suiteStarted = Date.now();
  const loadAtStart = round(loadavg());
  for (const file of modules) {
    const started = Date.now();
    const moduleLoadAtStart = round(loadavg());
    const module = file.replace(/\.bench\.ts$/, '');
    process.stderr.write(`running ${file}…\n`);
    try {
      const mod = (await import(pathToFileURL(join(dir, file)).href)) as BenchModule;
      const rows = await mod.run({ quick });
      // The machine is shared: the load while a module ran says how far its figures can be trusted.
      results.push({ module, rows, loadAverage: { start: moduleLoadAtStart, end: round(loadavg()) } });
      process.stderr.write(`  ${file} done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    } catch (error) {
      // One broken module must not cost the other figures; it is reported, and the run fails.
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      results.push({ module, rows: [], error: message, loadAverage: { start: moduleLoadAtStart, end: round(loadavg()) } });
      process.exitCode = 1;
      process.stderr.write(`  ${file} FAILED after ${((Date.now() - started) / 1000).toFixed(1)} s: ${message}\n`);
    }
  }

  const fmt = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(2) : v.toPrecision(3));
  const lines = ['| benchmark | figure | value | reference | ratio | target |', '|---|---|---|---|---|---|'];
  for (const { module, rows } of results) {
    for (const r of rows) {
      const ref = r.reference ? `${r.reference.name}: ${fmt(r.reference.value)} ${r.unit}` : '';
      const ratio = r.reference && r.reference.value ? `${(r.value / r.reference.value).toFixed(2)}×` : '';
      const target = r.target ? `${r.target} ${r.met === undefined ? '' : r.met ? '✔' : '✘'}` : '';
      lines.push(`| ${module} | ${r.name} | ${fmt(r.value)} ${r.unit} | ${ref} | ${ratio} | ${target} |`);
    }
  }
  console.log(`Node ${process.version}\n`);
  console.log(lines.join('\n'));

  for (const { module, error } of results) if (error) console.log(`\n${module} failed: ${error.split('\n')[0]}`);

  // The machine is shared: the load says how much the figures can be trusted.
  const machine = {
    node: process.version,
    arch: arch(),
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    loadAverageAtStart: loadAtStart,
    loadAverageAtEnd: round(loadavg()),
  };
  const seconds = Math.round((Date.now() - suiteStarted) / 100) / 10;
  await writeFile(resultsFile, `${JSON.stringify({ date: new Date().toISOString(), quick, seconds, machine, results }, null, 2)}\n`);
  process.stderr.write(`wrote ${resultsFile} (Node ${process.version}, ${seconds} s, load average ${machine.loadAverageAtEnd.join(' ')})\n`);
}
