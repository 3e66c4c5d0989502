// 100,000 entries in one list through the whole pipeline: a policy generated from an address
// inventory is ordinary, and super-linear work anywhere (a scan per entry, a pairwise
// comparison) shows up here as a blown time bound. The bound is generous (the machine may
// be loaded); the quadratic scan this found took 671 s.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { hasErrors } from '../../../compiler/index.js';
import { runPipeline, assertDiagnosticsValid, BASE_POLICY, addresses } from './pipeline-checks.js';

const BOUND_MS = 120_000;


describe('100,000 list entries', () => {
  test('100,000 entries in one list, used by a server: half on their own lines, half repeated on one line', { timeout: 300_000 }, async () => {
    const distinct = addresses(50_000);
    // the repeats on one line found a quadratic scan in duplicate-entry's fixes (671 s then)
    const text = `${BASE_POLICY}list big {\n${distinct.map((a) => `  ${a}`).join('\n')}\n  ${distinct.join(' ')} 10.0.0.0/8\n}\n`.replace('198.51.100.7 # a known spammer', '@big\n    198.51.100.7 # a known spammer');
    const { result, formatted } = await runPipeline(text, BOUND_MS, {}, { recheck: false, reformat: false });
    assertDiagnosticsValid(result);
    const duplicates = result.diagnostics.filter((d) => d.ruleId === 'duplicate-entry');
    assert.equal(duplicates.length, 50_000, 'every repeat is reported');
    assert.ok(duplicates.every((d) => d.fix?.edits.length === 1), 'each with a fix');
    assert.equal(hasErrors(result.diagnostics), false, 'repeats are findings, not errors of the language');
    assert.equal(result.model.config.servers[0]!.connections.entries.length, 100_002);
    assert.ok(formatted!.includes('10.0.195.79'), 'the last distinct entry survives formatting');
  });
});
