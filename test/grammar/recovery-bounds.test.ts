// grammar/bounded-recovery.ts wraps chevrotain internals to keep error recovery linear; if
// an upgrade renames them the wrappers would silently stop applying. This checks they are
// still called on the input that made recovery quadratic, and that recovery still reports
// every error there.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { recoveryBoundsUsage } from '../../grammar/bounded-recovery.js';
import { parse } from '../../grammar/index.js';

describe('bounded parser recovery', () => {
  it('bounds the look-ahead and reuses follow sets on 2,000 nested sni blocks, one error per block', () => {
    const before = { ...recoveryBoundsUsage };
    const text = `server a {\n  tls {\n${'sni a.example.test {\n'.repeat(2000)}${'}\n'.repeat(2002)}`;
    const { diagnostics } = parse(text, 'sni.smtppolicy');
    assert.ok(recoveryBoundsUsage.boundedResyncs > before.boundedResyncs, 'the bounded look-ahead applied');
    assert.ok(recoveryBoundsUsage.cachedFollows > before.cachedFollows, 'follow sets came from the cache');
    const nested = diagnostics.filter((d) => d.message === "expected '}' to close the sni block opened at line " + (d.range.start.line - 1) + ", found 'sni'");
    assert.equal(nested.length, 1999, diagnostics.slice(0, 3).map((d) => d.message).join('\n'));
  });
});
