// The spool shares queue/ fsyncs between concurrent accepts (group commit). Its promise is
// unchanged: accept() resolves (and the server answers 250) only after a directory sync
// that started after the message and its envelope were renamed into queue/ has completed.
// These tests inject a directory sync that records what queue/ held when it started (a
// sync covers exactly the names present then), does the real fsync, and can be held back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Spool, SpoolWriteError } from '../../../runtime/delivery/spool.js';
import { fsyncDirectory } from '../../../runtime/delivery/fs-durable.js';
import { listFiles, makeEnvelope, makeTempDir, messageText, streamOf } from './helpers/spool-fixtures.js';

interface RecordedSync {
  /** Names in queue/ when the sync started: the ones it makes durable. */
  covers: Set<string>;
  done: boolean;
  release: () => void;
}

/** A directory sync that records each call; `hold` decides whether it waits for release(). */
function recordingSync(hold: (index: number) => boolean | Promise<void>) {
  const syncs: RecordedSync[] = [];
  const sync = async (dir: string): Promise<void> => {
    const covers = new Set(readdirSync(dir));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const record: RecordedSync = { covers, done: false, release };
    syncs.push(record);
    const held = hold(syncs.length - 1);
    if (held === true) await released;
    else if (held !== false) await held;
    await fsyncDirectory(dir);
    record.done = true;
  };
  /** Is there a completed sync that covers the name of message `id`? */
  const durable = (id: string) => syncs.some((s) => s.done && s.covers.has(`${id}.msg`));
  return { syncs, sync, durable };
}

async function until(what: string, condition: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(2);
  }
}

function tracked<T>(promise: Promise<T>): { promise: Promise<T>; settled: () => boolean } {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  return { promise, settled: () => settled };
}

test('accept resolves only after a queue/ sync that started after its rename has completed', { timeout: 15_000 }, async () => {
  const { dir, cleanup } = await makeTempDir('spool-group');
  try {
    const { syncs, sync } = recordingSync(() => true);
    const spool = new Spool(dir, { syncDirectory: sync });
    await spool.init();
    const accept = tracked(spool.accept(makeEnvelope(), streamOf(messageText('held'))));

    await until('the sync after the renames', () => syncs.length === 1);
    const names = [...syncs[0]!.covers].sort();
    assert.equal(names.length, 1, `the message is in queue/ when the sync starts: ${names}`);
    await sleep(50);
    assert.equal(accept.settled(), false, 'no answer while the covering sync is still running');

    syncs[0]!.release();
    const { id } = await accept.promise;
    assert.deepEqual(names, [`${id}.msg`]);
    assert.equal(syncs.length, 1, 'a lone accept costs one directory sync');
  } finally {
    await cleanup();
  }
});

test('a sync already running does not count for a later rename; writers arriving meanwhile share the next one', { timeout: 15_000 }, async () => {
  const { dir, cleanup } = await makeTempDir('spool-group');
  try {
    const { syncs, sync } = recordingSync((index) => index <= 1);
    const spool = new Spool(dir, { syncDirectory: sync });
    await spool.init();
    const first = tracked(spool.accept(makeEnvelope(), streamOf(messageText('first'))));
    await until('the first sync', () => syncs.length === 1);

    // While sync 0 is held, two more messages are renamed into queue/.
    const later = [0, 1].map((i) => tracked(spool.accept(makeEnvelope(), streamOf(messageText(`later${i}`)))));
    await until('both later messages in queue/', async () => (await readdir(spool.queueDir)).length === 3);
    await sleep(50);
    assert.equal(syncs.length, 1, 'no second sync starts while one is running');
    assert.equal(syncs[0]!.covers.size, 1, 'the running sync began before the later renames');

    syncs[0]!.release();
    await first.promise;
    await until('the shared second sync', () => syncs.length === 2);
    assert.equal(syncs[1]!.covers.size, 3, 'the second sync began after both later messages were renamed');
    await sleep(50);
    assert.ok(later.every((a) => !a.settled()), 'the later messages wait for the sync begun after their renames');

    syncs[1]!.release();
    await Promise.all(later.map((a) => a.promise));
    assert.equal(syncs.length, 2, 'three accepts, two syncs');
  } finally {
    await cleanup();
  }
});

test('under concurrency every accept resolves after a completed sync that covers its name, with fewer syncs than accepts', { timeout: 30_000 }, async () => {
  const { dir, cleanup } = await makeTempDir('spool-group');
  try {
    const { syncs, sync, durable } = recordingSync(() => sleep(Math.random() * 4));
    const spool = new Spool(dir, { syncDirectory: sync });
    await spool.init();
    const accepts = Array.from({ length: 40 }, (_, i) =>
      // Checked the moment accept resolves, before anything else runs.
      spool.accept(makeEnvelope(), streamOf(messageText(`c${i}`))).then((result) => ({ ...result, covered: durable(result.id) })),
    );
    const results = await Promise.all(accepts);
    for (const { id, covered } of results) assert.ok(covered, `${id} resolved before a sync covering its names completed`);
    assert.equal((await spool.ids()).length, 40);
    assert.ok(syncs.length < results.length, `group commit shares syncs: ${syncs.length} for ${results.length} accepts`);
  } finally {
    await cleanup();
  }
});

test('a failing directory sync fails the accept (the server answers 452) and leaves nothing visible', { timeout: 15_000 }, async () => {
  const { dir, cleanup } = await makeTempDir('spool-group');
  try {
    let calls = 0;
    const spool = new Spool(dir, {
      syncDirectory: async (path) => {
        if (++calls === 1) throw Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' });
        await fsyncDirectory(path);
      },
    });
    await spool.init();
    await assert.rejects(spool.accept(makeEnvelope(), streamOf(messageText('eio'))), (error: unknown) => {
      assert.ok(error instanceof SpoolWriteError);
      assert.match(error.message, /EIO/);
      return true;
    });
    assert.deepEqual(await spool.ids(), []);
    assert.deepEqual(await readdir(spool.queueDir), []);
    // The next message gets its own sync: a failed one is never reused.
    const { id } = await spool.accept(makeEnvelope(), streamOf(messageText('after')));
    assert.deepEqual(await spool.ids(), [id]);
  } finally {
    await cleanup();
  }
});

test('init removes a version 1 envelope whose message never reached the disk (a crash before the covering sync)', { timeout: 10_000 }, async () => {
  const { dir, cleanup } = await makeTempDir('spool-group');
  try {
    const spool = new Spool(dir);
    await spool.init();
    const { id } = await spool.accept(makeEnvelope(), streamOf(messageText('kept')));
    // A spool written before the one-file layout: its two names were durable only together,
    // at the sync, and a crash before it may have kept the envelope alone.
    const orphan = '0000000000000-0123456789';
    await writeFile(join(spool.queueDir, `${orphan}.env`), JSON.stringify({ version: 1, id: orphan, ...makeEnvelope(), size: 10 }));
    await writeFile(join(spool.stateDir, `${orphan}.json`), '{}');
    const restarted = new Spool(dir);
    await restarted.init();
    assert.deepEqual(await restarted.ids(), [id]);
    assert.deepEqual(await listFiles(dir), [`queue/${id}.msg`]);
  } finally {
    await cleanup();
  }
});
