import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../../cli/queue.js';
import type { CliIo } from '../../cli/command.js';
import { makeHarness, smarthostTarget } from '../runtime/delivery/helpers/worker-harness.js';
import { startSmarthost, waitFor } from '../runtime/delivery/helpers/smarthost-fixture.js';
import { makeTempDir, messageText } from '../runtime/delivery/helpers/spool-fixtures.js';
import { domainItem, makeRuntimeConfig } from '../runtime/fixtures/config-builder.js';
import { Spool } from '../../runtime/delivery/spool.js';
import { startServer } from '../../runtime/smtp/start-server.js';
import { HOLD_REASON } from '../../runtime/delivery/worker.js';

async function queue(argv: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  const io: CliIo = { stdout, stderr, stdin: new PassThrough(), cwd, env: {} };
  const code = await run(argv, io);
  return { code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}

test('queue list shows held mail with its reason, as a table and as JSON; show and delete', { timeout: 15_000 }, async () => {
  const h = await makeHarness();
  try {
    h.start();
    const id = await h.accept(messageText('held'), { recipients: [{ address: 'x@remote.test', route: 'relay' }] });
    await waitFor('the hold', async () => (await h.spool.readState(id))?.recipients[0]?.heldReason ?? undefined);
    const table = await queue(['list', '--spool', 'spool'], h.dir);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^-Queue ID-+ --Size-- ----Arrival Time---- -Sender\/Recipient-------\n/);
    assert.match(table.stdout, new RegExp(`^${id}! +\\d+ \\w{3} \\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d  sender@remote.test$`, 'm'));
    assert.match(table.stdout, new RegExp(`^ +\\(${HOLD_REASON.replace(/[()]/g, '\\$&')}\\)\\n +x@remote.test$`, 'm'));
    assert.match(table.stdout, /-- 1 Kbytes in 1 Request\.\n$/);

    const json = await queue(['list', '--spool', join(h.dir, 'spool'), '--format', 'json'], '/');
    const entries = JSON.parse(json.stdout) as Array<{ id: string; status: string; recipients: Array<{ heldReason: string }> }>;
    assert.deepEqual(entries.map((e) => [e.id, e.status, e.recipients[0]!.heldReason]), [[id, 'held', HOLD_REASON]]);

    const shown = await queue(['show', id, '--spool', 'spool'], h.dir);
    assert.match(shown.stdout, /Sender: +sender@remote.test/);
    assert.match(shown.stdout, /x@remote.test \[relay\] pending, 0 attempts, held/);

    const deleted = await queue(['delete', id, '--spool', 'spool'], h.dir);
    assert.equal(deleted.stdout, `deleted ${id}\n`);
    assert.equal((await queue(['list', '--spool', 'spool'], h.dir)).stdout, 'Mail queue is empty\n');
    const again = await queue(['delete', id, '--spool', 'spool'], h.dir);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /no message .* in the queue/);
  } finally {
    await h.cleanup();
  }
});

test('queue retry makes the running worker try a deferred message now instead of in an hour', { timeout: 15_000 }, async () => {
  const smarthost = await startSmarthost();
  await smarthost.close(); // down: the first attempt fails and is deferred for an hour
  const h = await makeHarness(smarthostTarget(smarthost.port));
  let up: Awaited<ReturnType<typeof startSmarthost>> | null = null;
  try {
    h.start({ retry: { initialMs: 3_600_000, maxMs: 3_600_000 } });
    const id = await h.accept(messageText('retry'), { recipients: [{ address: 'x@remote.test', route: 'relay' }] });
    const state = await waitFor('a deferral', async () => {
      const s = await h.spool.readState(id);
      return s?.recipients[0]?.attempts === 1 ? s : undefined;
    });
    assert.ok(Date.parse(state.recipients[0]!.nextAttemptAt!) - Date.now() > 60_000, 'deferred far into the future');
    const listed = await queue(['list', '--spool', 'spool'], h.dir);
    assert.match(listed.stdout, /\(smart host 127\.0\.0\.1:\d+: .*\)/);
    up = await startSmarthost({ port: smarthost.port });
    const retried = await queue(['retry', id, '--spool', 'spool'], h.dir);
    assert.equal(retried.code, 0, retried.stderr);
    await waitFor('the spool to empty', async () => (await h.spool.count()) === 0);
    assert.equal(up.received.length, 1);
  } finally {
    await h.cleanup();
    await up?.close();
  }
});

test('queue finds the spool through a runtime config file, and refuses bad ids and missing spools', { timeout: 15_000 }, async () => {
  const h = await makeHarness();
  try {
    await writeFile(join(h.dir, 'config.json'), JSON.stringify(h.config));
    const listed = await queue(['list', 'config.json'], h.dir);
    assert.equal(listed.code, 0, listed.stderr);
    assert.equal(listed.stdout, 'Mail queue is empty\n');
    await assert.rejects(queue(['show', '../../etc/passwd', '--spool', 'spool'], h.dir), /not a queue id/);
    await assert.rejects(queue(['list', '--spool', 'nowhere'], h.dir), /no spool at .*nowhere/);
    await assert.rejects(queue(['list'], h.dir), /say which spool/);
  } finally {
    await h.cleanup();
  }
});

test('without a server the command holds, releases and deletes in the spool itself; a hold lasts across worker starts', { timeout: 15_000 }, async () => {
  const smarthost = await startSmarthost();
  const h = await makeHarness(smarthostTarget(smarthost.port));
  try {
    const [kept, dropped] = [await h.accept(messageText('kept'), { recipients: [{ address: 'x@remote.test', route: 'relay' }] }), await h.accept(messageText('dropped'))];
    const held = await queue(['hold', kept, dropped, '--spool', 'spool', '--format', 'json'], h.dir);
    assert.deepEqual(JSON.parse(held.stdout), { action: 'hold', via: 'spool', results: [{ id: kept, outcome: 'held' }, { id: dropped, outcome: 'held' }] });
    assert.equal((await queue(['delete', dropped, '--spool', 'spool'], h.dir)).stdout, `deleted ${dropped}\n`);
    let worker = h.start();
    await new Promise((resolve) => setTimeout(resolve, 200)); // several scans
    assert.equal(smarthost.received.length, 0);
    assert.match((await queue(['list', '--spool', 'spool'], h.dir)).stdout, new RegExp(`^${kept}!`, 'm'));
    await worker.stop();
    assert.equal((await queue(['release', kept, '--spool', 'spool'], h.dir)).stdout, `released ${kept}\n`);
    worker = h.start();
    await waitFor('the released message', () => smarthost.received.length === 1);
    await waitFor('the spool to empty', async () => (await h.spool.count()) === 0);
    const unknown = await queue(['release', kept, '--spool', 'spool'], h.dir);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no message .* in the queue/);
  } finally {
    await h.cleanup();
    await smarthost.close();
  }
});

test('a spool path too long for the control socket stops the server and the command, instead of a socket made elsewhere', { timeout: 15_000 }, async () => {
  const { dir, cleanup } = await makeTempDir('long');
  try {
    const deep = join(dir, 'x'.repeat(Math.max(1, 100 - dir.length)));
    const config = makeRuntimeConfig({ storageDir: deep, servers: [{ localDomains: [domainItem('example.test')] }] });
    await assert.rejects(startServer(config, { baseDir: deep, portOverride: () => 0 }), /control socket .* longer than a Unix socket path may be \(107 bytes\): use a shorter spool path/);
    await new Spool(config.storage.spool).init();
    const held = await queue(['hold', 'all', '--spool', config.storage.spool], '/');
    assert.equal(held.code, 2);
    assert.match(held.stderr, /use a shorter spool path/);
  } finally {
    await cleanup();
  }
});
