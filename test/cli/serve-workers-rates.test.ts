// `serve --workers 2`: a rate limit holds for the host, not per worker. Every event is
// counted by the primary (runtime/state's `rate-hit`), so a connection rate of 5 per minute
// greets exactly 5 of 12 connections from one address whichever worker each reaches, and
// the others (from both workers) get 421 4.7.0; another address is unaffected. The test
// checks that both workers took part, or it would prove nothing about sharing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { src } from '../runtime/fixtures/config-builder.js';
import { connectFrom, startWorkers, workersThatSaw } from '../helpers/workers-fixture.js';

test('connection-rate-per-address 5/1m holds exactly across 2 workers: 12 connections, 5 greeted, 7 get 421 4.7.0', { timeout: 240_000 }, async (t) => {
  const server = await startWorkers(t, {
    server: { limits: { rates: [{ event: 'connection', per: 'address', count: 5, periodMs: 60_000, source: src(40, 5) }] } },
  });
  const client = '127.0.22.30';
  const first: string[] = [];
  // one at a time: the primary hands them to the workers in turn
  for (let i = 0; i < 12; i++) {
    const c = await connectFrom(t, server, client);
    first.push((await c.read(60_000))?.text ?? 'closed');
    c.close();
  }
  assert.equal(first.filter((r) => r.startsWith('220 ')).length, 5, first.join(' | '));
  const refused = first.filter((r) => r.startsWith('421 '));
  assert.equal(refused.length, 7, first.join(' | '));
  for (const reply of refused) assert.match(reply, /^421 4\.7\.0 \S+ Error: too many connections from 127\.0\.22\.30$/);
  const refusing = await workersThatSaw(server, client, 'refused', 7);
  const deciding = await workersThatSaw(server, client, 'decision', 12);
  assert.equal(new Set([...refusing, ...deciding]).size, 2, 'both workers handled connections of the client');
  assert.ok(server.serve.logs.some((l) => l.event === 'decision' && l.client === client && l.limit === 'connection-rate-per-address'));

  const other = await connectFrom(t, server, '127.0.22.31');
  assert.match((await other.read(60_000))?.text ?? 'closed', /^220 /);
});
