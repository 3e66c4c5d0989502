// At most N transactions at once per destination; other destinations are not held up.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DestinationLimit } from '../../../runtime/delivery/destination-limit.js';

function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

test('a third transaction to a busy destination waits; another destination starts at once', async () => {
  const limit = new DestinationLimit(2);
  const started: string[] = [];
  const gates = [gate(), gate(), gate(), gate()];
  const run = (destination: string, i: number) =>
    limit.run(destination, async () => {
      started.push(`${destination}#${i}`);
      await gates[i]!.promise;
    });
  const runs = [run('a.example', 0), run('a.example', 1), run('a.example', 2), run('b.example', 3)];
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(started, ['a.example#0', 'a.example#1', 'b.example#3']);
  gates[0]!.open();
  await runs[0];
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(started, ['a.example#0', 'a.example#1', 'b.example#3', 'a.example#2'], 'the slot passed to the waiting one');
  for (const g of gates) g.open();
  await Promise.all(runs);
});

test('a failed transaction frees its slot too', async () => {
  const limit = new DestinationLimit(1);
  await assert.rejects(limit.run('a.example', async () => Promise.reject(new Error('connection refused'))), /connection refused/);
  assert.equal(await limit.run('a.example', async () => 'next'), 'next');
});

test('a limit below 1 is refused', () => {
  assert.throws(() => new DestinationLimit(0), /whole number ≥ 1/);
});
