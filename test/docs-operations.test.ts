// Every log event and every metric the server produces is documented in docs/operations.md,
// so an operator who meets one in a log line or on a dashboard can look it up.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { SLOT_REFUSALS } from '../runtime/smtp/connection-slots.js';

const ROOT = join(import.meta.dirname, '..');
const doc = readFileSync(join(ROOT, 'docs', 'operations.md'), 'utf8');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

function namesIn(folders: string[], pattern: RegExp): Set<string> {
  const found = new Set<string>();
  for (const file of folders.flatMap((f) => sources(join(ROOT, f)))) {
    for (const match of readFileSync(file, 'utf8').matchAll(pattern)) found.add(match[1]!);
  }
  return found;
}

test('docs/operations.md documents every log event of the server, the delivery worker and serve', () => {
  // the two ways an event is written: `log.event('name', …)` in a session (runtime/smtp/session-log.ts), `{ event: 'name', … }` elsewhere
  const events = namesIn(['runtime', 'cli'], /(?:log\.event\(|event: )'([a-z][a-z0-9-]*)'/g);
  assert.ok(events.size >= 25, `found only ${events.size} events: the pattern no longer matches how events are written`);
  const missing = [...events].filter((name) => !doc.includes(`| \`${name}\` |`));
  assert.deepEqual(missing, []);
});

test('docs/operations.md documents every metric', () => {
  const metrics = namesIn(['runtime'], /name: '(smtppolicy_[a-z_]+)'/g);
  assert.ok(metrics.size >= 12, `found only ${metrics.size} metrics`);
  const missing = [...metrics].filter((name) => !doc.includes(`| \`${name}\` |`));
  assert.deepEqual(missing, []);
});

test('every refusal reason counted in smtppolicy_connections_refused_total is explained', () => {
  const reasons = namesIn(['runtime'], /refuseAtConnect\([^;]*?, '([a-z-]+)'\)/g);
  for (const reason of namesIn(['runtime'], /connectionsRefused\.inc\(\{[^}]*reason: '([a-z-]+)'/g)) reasons.add(reason);
  // the connection limits name their reasons in one list (runtime/smtp/connection-slots.ts)
  for (const reason of SLOT_REFUSALS) reasons.add(reason);
  assert.ok(reasons.size >= 6, `found only ${reasons.size} reasons`);
  const row = doc.split('\n').find((line) => line.startsWith('| `smtppolicy_connections_refused_total` |')) ?? '';
  const missing = [...reasons].filter((reason) => !row.includes(`\`${reason}\``));
  assert.deepEqual(missing, []);
});
