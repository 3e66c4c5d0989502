// Draws the charts of BENCHMARKS.md from bench/results.json, as plain SVG:
//   BENCHMARKS-compile.svg  compile time against policy size (log-log), with the line of
//                           linear growth from the smallest size and the JSON reference;
//   BENCHMARKS-server.svg   messages per second, smtppolicy next to its references.
// Usage: node --import tsx bench/chart.ts [results.json]

import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BenchRow } from './bench-kit.js';

interface Results {
  date: string;
  quick: boolean;
  machine: { cpus: number; cpuModel: string; node: string; loadAverageAtStart?: number[] };
  results: { module: string; rows: BenchRow[] }[];
}

const root = join(import.meta.dirname, '..');
const FONT = 'font-family="system-ui, sans-serif" font-size="12"';
const COLORS = { ours: '#2563eb', reference: '#9ca3af', other: '#f59e0b' };
const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmt = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

function svg(width: number, height: number, body: string[]): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT}>\n<rect width="100%" height="100%" fill="white"/>\n${body.join('\n')}\n</svg>\n`;
}

function rowsOf(results: Results, module: string): BenchRow[] {
  return results.results.find((r) => r.module === module)?.rows ?? [];
}

export function compileChart(results: Results): string | undefined {
  const points = rowsOf(results, 'compile')
    .map((r) => ({ r, lines: Number(/^compile ([\d,]+) lines$/.exec(r.name)?.[1]?.replace(/,/g, '')) }))
    .filter((p) => Number.isFinite(p.lines) && p.lines > 0)
    .map(({ r, lines }) => ({ lines, ms: r.value, reference: r.reference?.value }));
  if (points.length < 2) return undefined;
  const [W, H, left, right, top, bottom] = [640, 400, 70, 30, 40, 40];
  const xs = points.map((p) => p.lines);
  const ys = points.flatMap((p) => [p.ms, p.reference ?? p.ms, (points[0]!.ms * p.lines) / points[0]!.lines]);
  const [x0, x1] = [Math.log10(Math.min(...xs)) - 0.15, Math.log10(Math.max(...xs)) + 0.15];
  const [y0, y1] = [Math.floor(Math.log10(Math.min(...ys))), Math.ceil(Math.log10(Math.max(...ys)))];
  const x = (lines: number) => left + ((Math.log10(lines) - x0) / (x1 - x0)) * (W - left - right);
  const y = (ms: number) => H - bottom - ((Math.log10(ms) - y0) / (y1 - y0)) * (H - top - bottom);
  const body: string[] = [`<text x="${W / 2}" y="22" text-anchor="middle" font-size="15">Compile time (lint + compile to JSON) by policy size, log-log</text>`];
  for (let e = y0; e <= y1; e++) {
    const ms = 10 ** e;
    body.push(`<line x1="${left}" x2="${W - right}" y1="${y(ms)}" y2="${y(ms)}" stroke="#e5e7eb"/>`, `<text x="${left - 6}" y="${y(ms) + 4}" text-anchor="end">${ms >= 1 ? ms : ms.toPrecision(1)} ms</text>`);
  }
  for (const lines of xs) body.push(`<text x="${x(lines)}" y="${H - bottom + 18}" text-anchor="middle">${lines.toLocaleString('en')} lines</text>`);
  const path = (pts: [number, number][], color: string, dash = '') => `<polyline fill="none" stroke="${color}" stroke-width="2" ${dash ? `stroke-dasharray="${dash}"` : ''} points="${pts.map(([a, b]) => `${a.toFixed(1)},${b.toFixed(1)}`).join(' ')}"/>`;
  const linear = points.map((p) => [x(p.lines), y((points[0]!.ms * p.lines) / points[0]!.lines)] as [number, number]);
  body.push(path(linear, COLORS.reference, '6 4'));
  const refs = points.filter((p) => p.reference !== undefined).map((p) => [x(p.lines), y(p.reference!)] as [number, number]);
  if (refs.length) body.push(path(refs, COLORS.other));
  body.push(path(points.map((p) => [x(p.lines), y(p.ms)]), COLORS.ours));
  for (const p of points) {
    body.push(`<circle cx="${x(p.lines)}" cy="${y(p.ms)}" r="4" fill="${COLORS.ours}"/>`, `<text x="${x(p.lines) + 8}" y="${y(p.ms) - 8}">${fmt(p.ms)} ms</text>`);
  }
  const legend: [string, string, string][] = [
    [COLORS.ours, '', 'smtppolicy lint + compile'],
    [COLORS.reference, '6 4', 'linear growth from the smallest size'],
    [COLORS.other, '', 'JSON.parse + schema validation of the result'],
  ];
  legend.forEach(([color, dash, label], i) => {
    // Top left of the plot: small policies are fast, so that corner stays empty.
    const ly = top + 14 + i * 18;
    const lx = left + 12;
    body.push(`<line x1="${lx}" x2="${lx + 24}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="2" ${dash ? `stroke-dasharray="${dash}"` : ''}/>`, `<text x="${lx + 30}" y="${ly + 4}">${escape(label)}</text>`);
  });
  return svg(W, H, body);
}

export function serverChart(results: Results): string | undefined {
  const groups: { label: string; bars: { name: string; value: number; color: string }[] }[] = [];
  const add = (module: string, match: RegExp, label: string) => {
    const row = rowsOf(results, module).find((r) => match.test(r.name));
    if (!row) return;
    const bars = [{ name: 'smtppolicy', value: row.value, color: COLORS.ours }];
    if (row.reference) bars.push({ name: row.reference.name, value: row.reference.value, color: module === 'postfix-comparison' ? COLORS.other : COLORS.reference });
    groups.push({ label, bars });
  };
  add('server-throughput', /\(a\)/, '(a) reusing connections, vs bare smtp-server');
  add('server-throughput', /\(b\)/, '(b) connection per message, vs bare smtp-server');
  add('postfix-comparison', /\(a\)/, '(a) reusing connections, vs Postfix (smtp-source)');
  add('postfix-comparison', /\(b\)/, '(b) connection per message, vs Postfix (smtp-source)');
  if (groups.length === 0) return undefined;
  const [W, rowH, left, right, top] = [860, 64, 370, 200, 44];
  const H = top + groups.length * rowH + 20;
  const max = Math.max(...groups.flatMap((g) => g.bars.map((b) => b.value)));
  const scale = (v: number) => (v / max) * (W - left - right);
  const body: string[] = [`<text x="${W / 2}" y="24" text-anchor="middle" font-size="15">Messages accepted per second, 1 KiB, 20 sessions, loopback</text>`];
  groups.forEach((g, i) => {
    const gy = top + i * rowH;
    body.push(`<text x="${left - 10}" y="${gy + 26}" text-anchor="end">${escape(g.label)}</text>`);
    g.bars.forEach((b, j) => {
      const by = gy + 4 + j * 24;
      body.push(
        `<rect x="${left}" y="${by}" width="${Math.max(1, scale(b.value)).toFixed(1)}" height="20" fill="${b.color}"/>`,
        `<text x="${left + scale(b.value) + 6}" y="${by + 15}">${fmt(b.value)} msg/s ${j === 0 ? '' : `(${escape(b.name)})`}</text>`,
      );
    });
  });
  return svg(W, H, body);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2] ?? join(root, 'bench', 'results.json');
  const results = JSON.parse(await readFile(file, 'utf8')) as Results;
  for (const [name, chart] of [['BENCHMARKS-compile.svg', compileChart(results)], ['BENCHMARKS-server.svg', serverChart(results)]] as const) {
    if (!chart) {
      console.error(`${name}: no figures for it in ${file}`);
      process.exitCode = 1;
      continue;
    }
    await writeFile(join(root, name), chart);
    console.log(`wrote ${name}`);
  }
}
