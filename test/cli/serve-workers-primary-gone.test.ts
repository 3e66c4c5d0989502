// `serve --workers 2` when the primary itself is killed: the workers must not live on
// without it (nothing would hand them connections, no limit could be asked, and a new server
// may recover the spool under them). node:cluster ends them when their channel to the primary
// reports its end, or they see that they have another parent and close their sessions with
// 421 4.3.2; either way they end, and a new server starts on the same spool.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnCli } from '../helpers/serve-process.js';
import { connectFrom, startWorkers } from '../helpers/workers-fixture.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('SIGKILL of the primary: the workers end, their sessions cut; a new server serves the spool', { timeout: 240_000 }, async (t) => {
  const server = await startWorkers(t);
  const workers = server.workerPids();
  assert.equal(workers.length, 2);
  const client = await connectFrom(t, server, '127.0.22.70');
  assert.equal((await client.read(60_000))?.code, 220);
  assert.equal((await client.command('EHLO client.example', 30_000))?.code, 250);

  process.kill(server.serve.pid, 'SIGKILL');
  for (const deadline = Date.now() + 60_000; workers.some(alive);) {
    assert.ok(Date.now() < deadline, `workers still running: ${workers.filter(alive).join(', ')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const last = await client.read(60_000);
  if (last !== null) assert.match(last.text, /^421 4\.3\.2 /, 'a session is closed without a reply, or told the server is shutting down');

  const again = spawnCli(t, ['serve', server.configPath, '--workers', '2']);
  await again.waitForLog((l) => l.event === 'workers-ready', 'the new server on the same spool', 120_000);
  const next = await connectFrom(t, server, '127.0.22.71');
  assert.equal((await next.read(60_000))?.code, 220);
});
