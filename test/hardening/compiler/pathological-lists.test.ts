// 100,000 entries in one list through the whole pipeline: a policy generated from an address
// inventory is ordinary, and super-linear work anywhere (a scan per entry, a pairwise
// comparison) shows up here as a blown time bound. The bound is generous (the machine may
// be loaded); the quadratic scan this found took 671 s.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { hasErrors } from '../../../compiler/index.js';
import { runPipeline, checkInMemory, assertDiagnosticsValid } from './pipeline-checks.js';

const BOUND_MS = 60_000;

const BASE = `storage {
  spool "var/spool"
  maildir "var/mail"
}

server inbound { # the MX
  listen 127.0.0.1:2525
  hostname mx.example.test
  local-domains example.test
  connections except {
    198.51.100.7 # a known spammer
  }
}
`;

function addresses(count: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
  return out;
}

describe('100,000 list entries', () => {
  test('100,000 entries in one list, used by a server', { timeout: 180_000 }, async () => {
    const entries = addresses(100_000);
    const text = `${BASE}list big {\n${entries.map((a) => `  ${a}`).join('\n')}\n}\n`.replace('198.51.100.7 # a known spammer', '@big\n    198.51.100.7 # a known spammer');
    const { result, formatted } = await runPipeline(text, BOUND_MS, {}, { recheck: false, reformat: false });
    assert.equal(hasErrors(result.diagnostics), false, result.diagnostics.slice(0, 3).map((d) => d.message).join('\n'));
    const server = result.model.config.servers[0]!;
    assert.equal(server.connections.entries.length, 100_001);
    assert.ok(formatted!.includes('10.1.134.159'), 'the last entry survives formatting');
  });

  test('100,000 entries with duplicates and overlaps: every finding reported, within the bound', { timeout: 180_000 }, async () => {
    const entries = [...addresses(50_000), ...addresses(50_000), '10.0.0.0/8'];
    const text = `${BASE}list big {\n${entries.join(' ')}\n}\n`.replace('198.51.100.7 # a known spammer', '@big');
    // this one found a quadratic scan in the fixes of duplicate-entry (671 s for this file)
    const started = Date.now();
    const result = await checkInMemory({ 'main.smtppolicy': text });
    const ms = Date.now() - started;
    assert.ok(ms <= BOUND_MS, `checkPolicy took ${ms} ms`);
    assertDiagnosticsValid(result);
    const duplicates = result.diagnostics.filter((d) => d.ruleId === 'duplicate-entry');
    assert.equal(duplicates.length, 50_000, 'every duplicate is reported');
    assert.ok(duplicates.every((d) => d.fix && d.fix.edits.length === 1), 'each with a fix');
  });
});
