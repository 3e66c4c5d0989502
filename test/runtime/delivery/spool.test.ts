import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Spool, SpoolWriteError } from '../../../runtime/delivery/spool.js';
import { isSpoolId } from '../../../runtime/delivery/spool-id.js';
import { listFiles, makeEnvelope, makeTempDir, messageText, mountSmallTmpfs, streamOf } from './helpers/spool-fixtures.js';

test('accept stores the exact bytes and the envelope, and the message becomes visible', { timeout: 10_000 }, async () => {
  const { dir, cleanup } = await makeTempDir('spool');
  try {
    const spool = new Spool(dir);
    await spool.init();
    const bytes = Buffer.from(messageText('exact') + '.leading dot kept\r\n\x00binary\xff\r\n', 'latin1');
    const { id, size } = await spool.accept(makeEnvelope(), streamOf(bytes));
    assert.ok(isSpoolId(id), id);
    assert.equal(size, bytes.length);
    assert.deepEqual(await spool.readMessage(id), bytes);
    assert.deepEqual(await listFiles(dir), [`queue/${id}.msg`], 'one file per message');
    const envelope = await spool.readEnvelope(id);
    assert.equal(envelope.id, id);
    assert.equal(envelope.size, bytes.length);
    assert.deepEqual(envelope.recipients, [{ address: 'alice@example.test', route: 'local' }]);
    assert.equal(await spool.count(), 1);
    assert.deepEqual(await readdir(spool.tmpDir), []);
  } finally {
    await cleanup();
  }
});

test('a stream that fails half-way leaves nothing in the queue and rejects with SpoolWriteError', { timeout: 10_000 }, async () => {
  const { dir, cleanup } = await makeTempDir('spool');
  try {
    const spool = new Spool(dir);
    await spool.init();
    const failing = new Readable({
      read() {
        this.push(Buffer.alloc(100 * 1024, 0x61));
        this.destroy(new Error('client went away'));
      },
    });
    await assert.rejects(spool.accept(makeEnvelope(), failing), (error: unknown) => {
      assert.ok(error instanceof SpoolWriteError);
      assert.match(error.message, /client went away/);
      return true;
    });
    assert.equal(await spool.count(), 0);
    assert.deepEqual(await listFiles(dir), []);
  } finally {
    await cleanup();
  }
});

test('init fails loudly when the spool path cannot be a directory', { timeout: 10_000 }, async () => {
  const { dir, cleanup } = await makeTempDir('spool');
  try {
    // Root ignores permission bits, so a regular file where the directory should be is the
    // dependable way to make the path unwritable.
    const path = join(dir, 'spool');
    await writeFile(path, 'not a directory');
    await assert.rejects(new Spool(path).init(), (error: unknown) => {
      assert.ok(error instanceof SpoolWriteError);
      assert.match(error.message, /spool .*spool is not usable/);
      return true;
    });
  } finally {
    await cleanup();
  }
});

test('accept rejects when the queue directory has become unwritable, and the spool works again after', { timeout: 10_000 }, async () => {
  const { dir, cleanup } = await makeTempDir('spool');
  try {
    const spool = new Spool(dir);
    await spool.init();
    await import('node:fs/promises').then((fs) => fs.rm(spool.tmpDir, { recursive: true }));
    await writeFile(spool.tmpDir, 'in the way');
    await assert.rejects(spool.accept(makeEnvelope(), streamOf(messageText('blocked'))), SpoolWriteError);
    assert.equal(await spool.count(), 0);
    await import('node:fs/promises').then((fs) => fs.rm(spool.tmpDir));
    await mkdir(spool.tmpDir);
    await spool.accept(makeEnvelope(), streamOf(messageText('after')));
    assert.equal(await spool.count(), 1);
  } finally {
    await cleanup();
  }
});

test('a full disk rejects the message and leaves no partial file; smaller messages still fit', { timeout: 20_000 }, async (t) => {
  const { dir, cleanup } = await makeTempDir('spool-full');
  const unmount = mountSmallTmpfs(dir, '64k');
  try {
    if (unmount === null) {
      if (process.env.CI === 'true') assert.fail('cannot mount a tmpfs here (needs root): the full-disk test cannot run');
      t.skip('cannot mount a tmpfs here (needs root)');
      return;
    }
    const spool = new Spool(dir);
    await spool.init();
    const big = messageText('big', 'x'.repeat(200 * 1024));
    await assert.rejects(spool.accept(makeEnvelope(), streamOf(big)), (error: unknown) => {
      assert.ok(error instanceof SpoolWriteError);
      assert.match(error.message, /ENOSPC|no space/i);
      return true;
    });
    assert.deepEqual(await listFiles(dir), []);
    await spool.accept(makeEnvelope(), streamOf(messageText('small')));
    assert.equal(await spool.count(), 1);
  } finally {
    unmount?.();
    await cleanup();
  }
});

test('concurrent accepts get distinct, time-ordered ids and each keeps its own bytes', { timeout: 20_000 }, async () => {
  const { dir, cleanup } = await makeTempDir('spool');
  try {
    const spool = new Spool(dir);
    await spool.init();
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => spool.accept(makeEnvelope({ mailFrom: `s${i}@remote.test` }), streamOf(messageText(`m${i}`)))),
    );
    const ids = results.map((r) => r.id);
    assert.equal(new Set(ids).size, 50);
    assert.deepEqual(await spool.ids(), [...ids].sort());
    for (const [i, { id }] of results.entries()) {
      assert.equal((await spool.readEnvelope(id)).mailFrom, `s${i}@remote.test`);
      assert.match((await spool.readMessage(id)).toString('utf8'), new RegExp(`Subject: m${i}\\r\\n`));
    }
    const sequential = [];
    for (let i = 0; i < 5; i++) sequential.push((await spool.accept(makeEnvelope(), streamOf('x'))).id);
    assert.deepEqual([...sequential].sort(), sequential, 'ids sort in arrival order');
  } finally {
    await cleanup();
  }
});

test('init recovers from a crash: half-written files and uncommitted messages disappear, committed ones stay', { timeout: 10_000 }, async () => {
  const { dir, cleanup } = await makeTempDir('spool');
  try {
    const spool = new Spool(dir);
    await spool.init();
    const { id } = await spool.accept(makeEnvelope(), streamOf(messageText('kept')));
    // A crash during the write leaves a half-written file in tmp/ (and maybe state of a removed
    // message); one of the version 1 layout between its two writes, a message without envelope.
    const orphan = '0000000000000-0123456789';
    await writeFile(join(spool.tmpDir, `${orphan}.msg`), '{"version":2,"partial":');
    await writeFile(join(spool.stateDir, `${orphan}.json`), '{}');
    const orphanV1 = '0000000000001-0123456789';
    await writeFile(join(spool.queueDir, `${orphanV1}.eml`), 'orphan');
    assert.deepEqual(await spool.ids(), [id], 'neither is ever visible');
    const restarted = new Spool(dir);
    await restarted.init();
    assert.deepEqual(await listFiles(dir), [`queue/${id}.msg`]);
    assert.deepEqual(await restarted.ids(), [id]);
  } finally {
    await cleanup();
  }
});

test('remove, state and retry requests', { timeout: 10_000 }, async () => {
  const { dir, cleanup } = await makeTempDir('spool');
  try {
    const spool = new Spool(dir);
    await spool.init();
    const { id } = await spool.accept(makeEnvelope(), streamOf(messageText('state')));
    assert.equal(await spool.readState(id), null);
    await spool.writeState({ version: 1, id, recipients: [] });
    assert.deepEqual(await spool.readState(id), { version: 1, id, recipients: [] });
    await spool.requestRetry(id);
    await spool.requestRetry('all');
    assert.deepEqual((await spool.takeRetryRequests()).sort(), [id, 'all'].sort());
    assert.deepEqual(await spool.takeRetryRequests(), []);
    assert.equal(await spool.remove(id), true);
    assert.equal(await spool.remove(id), false);
    assert.deepEqual(await listFiles(dir), []);
    await assert.rejects(spool.readMessage('../../etc/passwd'), /not a queue id/);
  } finally {
    await cleanup();
  }
});

test('a spool written by an earlier version (envelope and message in two files) is still read, listed and removed', { timeout: 10_000 }, async () => {
  const { dir, cleanup } = await makeTempDir('spool');
  try {
    const spool = new Spool(dir);
    await spool.init();
    const id = '0000000000002-0123456789';
    const bytes = Buffer.from(messageText('queued before the upgrade'));
    const envelope = { version: 1, id, ...makeEnvelope(), size: bytes.length };
    await writeFile(join(spool.queueDir, `${id}.eml`), bytes);
    await writeFile(join(spool.queueDir, `${id}.env`), JSON.stringify(envelope));
    const { id: newer } = await spool.accept(makeEnvelope(), streamOf(messageText('after')));
    const restarted = new Spool(dir);
    await restarted.init();
    assert.deepEqual(await restarted.ids(), [id, newer]);
    assert.deepEqual(await restarted.readEnvelope(id), envelope);
    assert.deepEqual(await restarted.readMessage(id), bytes);
    assert.equal(await restarted.has(id), true);
    assert.equal(await restarted.remove(id), true);
    assert.deepEqual(await listFiles(dir), [`queue/${newer}.msg`]);
  } finally {
    await cleanup();
  }
});
