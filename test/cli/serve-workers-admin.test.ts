// `serve --workers 2` and its admin listener, answered by the primary: /metrics is the sum
// of both workers' metrics (and the primary's), /healthz is ok only while every worker
// answers: a worker whose event loop is stopped makes it 503 with the worker named.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adminGet, connectFrom, sample, startWorkers, workersThatSaw } from '../helpers/workers-fixture.js';

test('/metrics sums the workers: 8 sessions over 2 workers count 8', { timeout: 240_000 }, async (t) => {
  const server = await startWorkers(t);
  const client = '127.0.22.60';
  for (let i = 0; i < 8; i++) {
    const c = await connectFrom(t, server, client);
    assert.equal((await c.read(60_000))?.code, 220);
    assert.equal((await c.command('QUIT', 30_000))?.code, 221);
    c.close();
  }
  assert.equal((await workersThatSaw(server, client, 'decision', 8)).size, 2, 'both workers had sessions');
  const metrics = await adminGet(server, '/metrics');
  assert.equal(metrics.status, 200);
  assert.equal(sample(metrics.body, 'smtppolicy_connections_accepted_total{server="default"}'), 8);
  assert.equal(sample(metrics.body, 'smtppolicy_workers_ready'), 2);
  assert.equal(sample(metrics.body, 'smtppolicy_worker_restarts_total'), 0);
});

test('/healthz is honest about every worker: a stopped worker makes it 503 and names it, until it runs again', { timeout: 240_000 }, async (t) => {
  const server = await startWorkers(t);
  assert.deepEqual(await adminGet(server, '/healthz'), { status: 200, body: 'ok\n' });
  const [stopped] = server.workerPids();
  assert.ok(stopped);
  process.kill(stopped, 'SIGSTOP');
  t.after(() => { try { process.kill(stopped, 'SIGCONT'); } catch { /* gone with the process group */ } });
  const frozen = await adminGet(server, '/healthz');
  assert.equal(frozen.status, 503);
  assert.match(frozen.body, new RegExp(`^worker \\d+ \\(pid ${stopped}\\) did not answer within \\d+ ms\\n$`));
  process.kill(stopped, 'SIGCONT');
  for (const deadline = Date.now() + 60_000; ;) {
    const health = await adminGet(server, '/healthz');
    if (health.status === 200) break;
    assert.ok(Date.now() < deadline, `still ${health.status} ${health.body}`);
  }
});
