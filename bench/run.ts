// `npm run bench [-- --quick] [-- name…]`: runs every bench/*.bench.ts module, prints a
// table and writes bench/results.json. Each module measures its figure next to a
// reference measured in the same run, so ratios hold whatever the machine.

import { readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { arch, cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BenchModule, BenchRow } from './bench-kit.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const filters = args.filter((a) => !a.startsWith('--'));
const dir = import.meta.dirname;
const modules = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

const results: { module: string; rows: BenchRow[]; error?: string }[] = [];
const suiteStarted = Date.now();
const loadAtStart = loadavg().map((l) => Math.round(l * 100) / 100);
for (const file of modules) {
  const started = Date.now();
  const module = file.replace(/\.bench\.ts$/, '');
  process.stderr.write(`running ${file}…\n`);
  try {
    const mod = (await import(pathToFileURL(join(dir, file)).href)) as BenchModule;
    results.push({ module, rows: await mod.run({ quick }) });
    process.stderr.write(`  ${file} done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  } catch (error) {
    // One broken module must not cost the other figures; it is reported, and the run fails.
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    results.push({ module, rows: [], error: message });
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
  loadAverageAtEnd: loadavg().map((l) => Math.round(l * 100) / 100),
};
const seconds = Math.round((Date.now() - suiteStarted) / 100) / 10;
await writeFile(join(dir, 'results.json'), `${JSON.stringify({ date: new Date().toISOString(), quick, seconds, machine, results }, null, 2)}\n`);
process.stderr.write(`wrote ${join('bench', 'results.json')} (${seconds} s, load average ${machine.loadAverageAtEnd.join(' ')})\n`);
