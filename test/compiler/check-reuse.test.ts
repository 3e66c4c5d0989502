import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkPolicy } from '../../compiler/index.js';
import { CheckReuse } from '../../compiler/check-reuse.js';

// The editor's checks reuse the address matchers of earlier checks where the items are equal.
// An entry edited in place keeps its source (file, line, column) but not its range: the
// reused matcher must not answer for the old range.

const policy = (grant: string) => `list partners {\n  ${grant}\n}\nserver mx {\n  listen 0.0.0.0:25\n  hostname mx.example.test\n  relay { @partners }\n}\n`;

async function check(text: string, reuse: CheckReuse) {
  const { diagnostics } = await checkPolicy('/policies/mx.smtppolicy', { cwd: '/policies', readText: async () => text, reuse });
  return diagnostics.map((d) => d.ruleId);
}

test('an entry edited in place (same position, other range) is judged by its new range, not the reused matcher', async () => {
  const reuse = new CheckReuse();
  assert.ok(!(await check(policy('10.0.0.0/8'), reuse)).includes('open-relay'));
  // 0.0.0.0/0 at the same line and column: an open relay, which lint confirms on the matcher.
  assert.ok((await check(policy('0.0.0.0/0 '), reuse)).includes('open-relay'));
  assert.ok(!(await check(policy('10.0.0.0/8'), reuse)).includes('open-relay'));
});

test('equal items give the very matcher an earlier check built; a changed item a new one', () => {
  const reuse = new CheckReuse();
  const items = () => [
    { kind: 'cidr' as const, cidr: '10.0.0.0/8', source: 'a:1:1' },
    { kind: 'domain' as const, domain: 'partner.example', source: 'a:2:1' },
  ];
  reuse.beginCheck();
  const first = reuse.matcherFor(items());
  reuse.beginCheck();
  assert.equal(reuse.matcherFor(items()), first, 'equal content, new objects: reused');
  reuse.beginCheck();
  const changed = items();
  changed[0]!.cidr = '10.0.0.0/9';
  assert.notEqual(reuse.matcherFor(changed), first);
  reuse.beginCheck();
  reuse.beginCheck();
  assert.notEqual(reuse.matcherFor(items()), first, 'two checks without it: dropped');
});
