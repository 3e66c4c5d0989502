// `serve --workers 2` and the operator's signals, sent to the primary only: SIGHUP reloads
// every worker (or none, when the first refuses), SIGTERM drains every worker's sessions
// before the primary stops the delivery and exits 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { adminGet, connectFrom, startWorkers, workersThatSaw } from '../helpers/workers-fixture.js';
import { Spool } from '../../runtime/delivery/spool.js';

test('SIGHUP with workers: every worker greets with the reloaded policy; a reload the first worker refuses changes none', { timeout: 240_000 }, async (t) => {
  const server = await startWorkers(t);
  const greetings = async (client: string, count: number) => {
    const clients = await Promise.all(Array.from({ length: count }, () => connectFrom(t, server, client)));
    const texts = await Promise.all(clients.map(async (c) => (await c.read(60_000))?.text ?? 'closed'));
    for (const c of clients) c.close();
    return texts;
  };
  await writeFile(server.configPath, JSON.stringify({ ...server.config, servers: [{ ...server.config.servers[0]!, banner: 'reloaded once' }] }));
  server.serve.child.kill('SIGHUP');
  const reloaded = await server.serve.waitForLog((l) => l.event === 'reloaded' && l.worker === undefined, 'the primary to reload every worker', 60_000);
  assert.equal(reloaded.workers, 2);
  // each worker's own line (it reaches the primary's output within its flush interval)
  await server.serve.waitForLog(() => server.serve.logs.filter((l) => l.event === 'reloaded' && l.worker !== undefined).length === 2, 'each worker to log its reload', 60_000);
  for (const text of await greetings('127.0.22.40', 6)) assert.match(text, /^220 .* ESMTP reloaded once$/);
  assert.equal((await workersThatSaw(server, '127.0.22.40', 'decision', 6)).size, 2, 'both workers greeted');

  // a listen address cannot change on reload: the first worker refuses, nothing changes
  const moved = { ...server.config.servers[0]!, banner: 'never seen', listen: [{ ...server.config.servers[0]!.listen[0]!, port: server.port + 1 }] };
  await writeFile(server.configPath, JSON.stringify({ ...server.config, servers: [moved] }));
  server.serve.child.kill('SIGHUP');
  const refused = await server.serve.waitForLog((l) => l.event === 'reload-refused', 'the reload to be refused', 60_000);
  assert.match(String(refused.error), /listen addresses changed/);
  for (const text of await greetings('127.0.22.41', 6)) assert.match(text, /^220 .* ESMTP reloaded once$/);
  assert.equal((await workersThatSaw(server, '127.0.22.41', 'decision', 6)).size, 2, 'both workers still greet with the running policy');
});

test('SIGTERM with workers: /healthz says draining, the open transaction completes, the primary exits 0 after every worker', { timeout: 240_000 }, async (t) => {
  const server = await startWorkers(t);
  assert.deepEqual(await adminGet(server, '/healthz'), { status: 200, body: 'ok\n' });
  const client = await connectFrom(t, server, '127.0.22.50');
  assert.equal((await client.read(60_000))?.code, 220);
  assert.equal((await client.command('EHLO client.example', 30_000))?.code, 250);
  assert.equal((await client.command('MAIL FROM:<a@sender.example>', 30_000))?.code, 250);
  assert.equal((await client.command('RCPT TO:<box@example.test>', 30_000))?.code, 250);

  server.serve.child.kill('SIGTERM');
  await server.serve.waitForLog((l) => l.event === 'draining' && l.worker === undefined, 'the primary to drain', 60_000);
  assert.deepEqual(await adminGet(server, '/healthz'), { status: 503, body: 'draining\n' });
  assert.equal(server.serve.child.exitCode, null, 'the primary waits for the open session');
  assert.equal((await client.command('DATA', 30_000))?.code, 354);
  const done = await client.command('Subject: drained\r\n\r\nsent during the drain\r\n.', 60_000);
  assert.match(done?.text ?? 'closed', /^250 /);
  assert.equal((await client.command('QUIT', 30_000))?.code, 221);
  assert.deepEqual(await server.serve.exited, { code: 0, signal: null });
  assert.equal(server.serve.logs.filter((l) => l.event === 'stopped' && l.worker !== undefined).length, 2, 'both workers stopped');
  // acknowledged, so kept: delivered before the primary stopped, or queued for the next start
  const delivered = await readdir(server.maildir('box')).catch(() => []);
  const queued = await new Spool(join(server.dir, 'spool')).ids();
  assert.equal(delivered.length + queued.length, 1);
});
