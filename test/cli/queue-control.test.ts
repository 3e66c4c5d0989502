// `smtppolicy queue hold | release | delete | requeue | show` against one running server
// (its delivery worker on), with mail put in its queue by a real SMTP client: routes to sinks
// on loopback that are down, slow or up, and `relay-to hold` for every other domain.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import nodemailer from 'nodemailer';
import { startServer, type ServerHandle } from '../../runtime/smtp/start-server.js';
import { silentLogger } from '../../runtime/observe/logger.js';
import { cidrItem, makeRuntimeConfig, src } from '../runtime/fixtures/config-builder.js';
import { startSmarthost, waitFor, type Smarthost } from '../runtime/delivery/helpers/smarthost-fixture.js';
import { freePort } from '../helpers/serve-process.js';
import { tempDir } from '../helpers/server-fixture.js';
import { runCli } from './run-cli.js';

interface ActionOutput {
  action: string;
  via: 'server' | 'spool';
  results: Array<{ id: string; outcome: string }>;
}

interface Listed {
  id: string;
  status: string;
  operatorHold: string | null;
}

async function setUp(t: TestContext) {
  const dir = tempDir(t, 'smtppolicy-queue-control-');
  const downPort = await freePort(); // nothing listens until a test starts a sink there
  const slow = await startSmarthost({ dataDelayMs: 150 });
  t.after(() => slow.close());
  const config = makeRuntimeConfig({
    storageDir: dir,
    servers: [{
      relay: { entries: [cidrItem('127.0.0.0/8')] },
      routes: [
        { domain: 'down.test', host: '127.0.0.1', port: downPort, source: src(50) },
        { domain: 'slow.test', host: '127.0.0.1', port: slow.port, source: src(51) },
      ],
    }],
  });
  const server: ServerHandle = await startServer(config, { baseDir: dir, logger: silentLogger(), portOverride: () => 0, pollIntervalMs: 50 });
  t.after(() => server.close());
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: server.addresses()[0]!.port, secure: false, ignoreTLS: true, pool: true, maxConnections: 4 });
  t.after(() => transport.close());
  /** Sends one message; returns its queue id (from the server's `250 … queued as <id>`). */
  const send = async (to: string, subject: string, body = `the body of ${subject}\r\n`): Promise<string> => {
    const info = await transport.sendMail({ envelope: { from: 'ops@sender.test', to: [to] }, raw: `From: ops@sender.test\r\nTo: ${to}\r\nSubject: ${subject}\r\n\r\n${body}` });
    const id = /queued as (\S+)/.exec(info.response)?.[1];
    assert.ok(id, info.response);
    return id;
  };
  const queue = (...argv: string[]) => runCli(['queue', ...argv, '--spool', server.spool.dir]);
  const queueJson = async <T>(...argv: string[]): Promise<T> => {
    const result = await queue(...argv, '--format', 'json');
    assert.notEqual(result.code, 2, result.stderr);
    return JSON.parse(result.stdout) as T;
  };
  const listed = () => queueJson<Listed[]>('list');
  const subjects = (sink: Smarthost) => sink.received.map((m) => /^Subject: (.*)$/m.exec(m.raw.toString())?.[1]).sort();
  return { server, config, dir, downPort, slow, send, queue, queueJson, listed, subjects };
}

test('queue control while the server runs', { timeout: 30_000 }, async (t) => {
  const q = await setUp(t);

  await t.test('a second server on the same spool is refused before it touches the spool', async () => {
    await assert.rejects(
      startServer(q.config, { baseDir: q.dir, logger: silentLogger(), portOverride: () => 0 }),
      /spool .*: another smtppolicy server is running on it/,
    );
  });

  await t.test('held mail is not delivered until released, then once', async () => {
    const first = await q.send('a@down.test', 'held-1');
    const second = await q.send('b@down.test', 'held-2');
    // the sink is down: both are deferred (the next retry a minute away)
    await waitFor('two deferrals', async () => (await q.listed()).filter((e) => e.status === 'deferred').length === 2);
    const held = await q.queueJson<ActionOutput>('hold', '--domain', 'down.test');
    assert.equal(held.via, 'server');
    assert.deepEqual(held.results.map((r) => r.outcome), ['held', 'held']);
    assert.deepEqual(new Set(held.results.map((r) => r.id)), new Set([first, second]));
    assert.match((await q.queue('list')).stdout, new RegExp(`^${first}!`, 'm'));

    const sink = await startSmarthost({ port: q.downPort });
    t.after(() => sink.close());
    const requeued = await q.queueJson<ActionOutput>('requeue', 'all');
    assert.deepEqual(requeued.results.map((r) => r.outcome), ['still-held', 'still-held']);
    // a message that is not held goes through the same sink: once it is there, the held ones had their chance
    await q.send('c@down.test', 'not-held');
    await waitFor('the message that is not held', () => sink.received.length === 1);
    await new Promise((r) => setTimeout(r, 200)); // two more scans of the spool
    assert.deepEqual(q.subjects(sink), ['not-held']);

    const released = await q.queue('release', first);
    assert.equal(released.stdout, `released ${first}\n`);
    assert.equal((await q.queue('requeue', first)).code, 0);
    await waitFor('the released message', () => sink.received.length === 2);
    assert.deepEqual((await q.listed()).map((e) => e.id), [second]);
    assert.equal((await q.queue('release', second)).code, 0);
    assert.equal((await q.queue('requeue', second)).code, 0);
    await waitFor('the queue to empty', async () => (await q.listed()).length === 0);
    assert.deepEqual(q.subjects(sink), ['held-1', 'held-2', 'not-held']);
    await sink.close();
  });

  await t.test('show prints the envelope and the whole message; its JSON parses', async () => {
    const id = await q.send('someone@elsewhere.test', 'shown', 'line one\r\nline two\r\n');
    await waitFor('relay-to hold', async () => (await q.listed()).some((e) => e.id === id && e.status === 'held'));
    const shown = await q.queue('show', id);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /Sender: +ops@sender\.test/);
    assert.match(shown.stdout, new RegExp(`\\*\\*\\* MESSAGE CONTENTS ${id} \\*\\*\\*\\nReceived: [\\s\\S]*\\r\\nSubject: shown\\r\\n\\r\\nline one\\r\\nline two\\r\\n\\*\\*\\* END OF MESSAGE ${id} \\*\\*\\*\\n$`));
    assert.equal((await q.queue('show', id, '--part', 'body')).stdout, 'line one\r\nline two\r\n');
    const json = await q.queueJson<{ id: string; sender: string; message: { encoding: string; headers: string; body: string } }>('show', id);
    assert.equal(json.id, id);
    assert.equal(json.message.encoding, 'utf8');
    assert.match(json.message.headers, /^Subject: shown\r\n$/m);
    assert.equal(json.message.body, 'line one\r\nline two\r\n');
    const unknown = await q.queue('show', `${id.slice(0, -10)}0000000000`);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no message \S+ in the queue/);
    assert.equal((await q.queue('delete', id)).stdout, `deleted ${id}\n`);
  });

  await t.test('delete all empties the queue while the server runs; nothing of it is delivered afterwards', async () => {
    const ids = [await q.send('d@down.test', 'doomed-1'), await q.send('e@down.test', 'doomed-2'), await q.send('f@elsewhere.test', 'doomed-3')];
    await waitFor('the deferrals', async () => (await q.listed()).filter((e) => e.status !== 'queued').length === 3);
    const deleted = await q.queueJson<ActionOutput>('delete', 'all');
    assert.deepEqual(deleted.results.map((r) => [r.id, r.outcome]).sort(), ids.map((id) => [id, 'deleted']).sort());
    assert.equal((await q.queue('list')).stdout, 'Mail queue is empty\n');
    const sink = await startSmarthost({ port: q.downPort });
    t.after(() => sink.close());
    await q.send('g@down.test', 'after-delete');
    await waitFor('the message sent after the delete', () => sink.received.length === 1);
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(q.subjects(sink), ['after-delete']);
    const again = await q.queue('delete', ids[0]!);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /no message \S+ in the queue/);
    await sink.close();
  });

  await t.test('hold and delete racing deliveries: nothing delivered twice, nothing lost but what was deleted', async () => {
    const count = 12;
    const ids = await Promise.all(Array.from({ length: count }, (_, i) => q.send(`r${i}@slow.test`, `race-${String(i).padStart(2, '0')}`)));
    const subjectOf = new Map(ids.map((id, i) => [id, `race-${String(i).padStart(2, '0')}`]));
    await waitFor('deliveries under way', () => q.slow.mailCommands > 0);
    // while the slow sink holds some deliveries: hold everything, delete every third, release the rest
    const [held, deleted] = await Promise.all([
      q.queueJson<ActionOutput>('hold', 'all'),
      q.queueJson<ActionOutput>('delete', ...ids.filter((_, i) => i % 3 === 0)),
    ]);
    assert.ok(held.results.length > 0);
    await q.queueJson<ActionOutput>('release', 'all');
    await q.queueJson<ActionOutput>('requeue', 'all');
    await waitFor('the queue to empty', async () => (await q.listed()).length === 0, 15_000);
    const gone = new Set(deleted.results.filter((r) => r.outcome === 'deleted').map((r) => r.id));
    const expected = ids.filter((id) => !gone.has(id)).map((id) => subjectOf.get(id)).sort();
    assert.deepEqual(q.subjects(q.slow), expected, `deleted: ${[...gone].map((id) => subjectOf.get(id)).join(', ')}`);
  });
});
