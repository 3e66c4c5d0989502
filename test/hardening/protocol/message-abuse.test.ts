// Abuse of the DATA phase: a megabyte of headers, messages far over the size limit (the
// server's memory must stay bounded while it reads and drops them), and a declared SIZE
// over the limit. Each test checks the replies and what was stored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { RawSmtpClient } from '../../helpers/smtp-client.js';
import { startAbuseServer, openTransaction, spooled } from './abuse-helpers.js';

const MIB = 1024 * 1024;

/** Writes `total` bytes of body lines in 64 kB chunks, waiting for the socket to drain. */
async function stream(client: RawSmtpClient, total: number): Promise<void> {
  const line = `${'x'.repeat(998)}\r\n`;
  const chunk = Buffer.from(line.repeat(64));
  for (let sent = 0; sent < total; sent += chunk.length) {
    if (client.closed) assert.fail(`the server closed the connection after ${sent} bytes`);
    if (!client.socket.write(chunk)) await new Promise((r) => client.socket.once('drain', r));
  }
}

// Retained memory is what buffering would show; garbage waiting for the collector is noise
// that depends on when it runs. Buffers are external memory that V8 frees after a collection,
// on a background thread, so one sample after gc() can still count tens of megabytes of dead
// chunks on a loaded machine. The smallest of several samples, each after a full collection
// and a pause, is what is really held: data the server buffered would be in every sample.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** Heap and buffer memory of this process (server and client share it) still reachable now. */
async function retainedBytes(): Promise<number> {
  let least = Infinity;
  for (let sample = 0; sample < 5; sample++) {
    collectGarbage();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const m = process.memoryUsage();
    least = Math.min(least, m.heapUsed + m.arrayBuffers);
  }
  return least;
}

test('a megabyte of headers within the size limit is stored byte for byte', { timeout: 30000 }, async (t) => {
  const running = await startAbuseServer(t, { limits: { messageSizeBytes: 4 * MIB } });
  const client = await openTransaction(t, running.port());
  const manyHeaders = Array.from({ length: 8_000 }, (_, i) => `X-Filler-${i}: ${'h'.repeat(60)}\r\n`).join('');
  const longHeader = `X-Long: ${'v'.repeat(MIB)}\r\n`;
  const message = `From: sender@outside.example\r\nSubject: headers\r\n${manyHeaders}${longHeader}\r\nbody\r\n`;
  assert.equal((await client.command('DATA'))?.code, 354);
  client.write(message);
  const reply = await client.command('.', 20000);
  assert.match(reply?.text ?? '', /^250 2\.0\.0 /);
  const [stored] = await spooled(running);
  assert.ok(stored!.text.startsWith('Received: from '), 'our trace header comes first');
  assert.equal(stored!.text.slice(stored!.text.indexOf('From: sender@outside.example')), message, 'nothing lost, nothing changed');
});

test('a message 64 times over the size limit: 552 5.3.4, nothing stored, memory stays bounded, the session goes on', { timeout: 60000 }, async (t) => {
  const limit = MIB;
  const running = await startAbuseServer(t, { limits: { messageSizeBytes: limit } });
  const client = await openTransaction(t, running.port());
  assert.equal((await client.command('DATA'))?.code, 354);
  // the baseline is taken once the transfer is under way, so one-time allocations of the
  // first chunks (socket and stream buffers, pools) are not counted as growth
  await stream(client, 8 * MIB);
  const before = await retainedBytes();
  await stream(client, 24 * MIB);
  const halfway = (await retainedBytes()) - before;
  await stream(client, 32 * MIB);
  const growth = Math.max(halfway, (await retainedBytes()) - before);
  t.diagnostic(`retained memory grew by ${(growth / MIB).toFixed(1)} MiB while the last 56 MiB streamed in`);
  const reply = await client.command('.', 30000);
  assert.match(reply?.text ?? '', /^552 5\.3\.4 Error: message exceeds fixed maximum message size 1048576$/);
  // buffering the message would retain 24 MiB more halfway, 56 at the end; reading and
  // dropping it, a few chunks
  assert.ok(growth < 16 * MIB, `retained memory grew by ${(growth / MIB).toFixed(1)} MiB while the last 56 MiB streamed in`);
  assert.deepEqual(await spooled(running), []);
  assert.deepEqual(await readdir(running.handle.spool.tmpDir), [], 'the abandoned spool file is removed');
  assert.ok(running.logs.some((l) => l.event === 'message-refused' && l.reason === 'size'));
  // the session is usable: a small message right after goes through
  assert.equal((await client.command('MAIL FROM:<sender@outside.example>'))?.code, 250);
  assert.equal((await client.command('RCPT TO:<user@example.test>'))?.code, 250);
  assert.equal((await client.command('DATA'))?.code, 354);
  assert.match((await client.command('Subject: small\r\n\r\nsmall\r\n.'))?.text ?? '', /^250 2\.0\.0 /);
  assert.equal((await spooled(running)).length, 1);
});

test('a declared SIZE over the limit is refused at MAIL, before any data', { timeout: 15000 }, async (t) => {
  const running = await startAbuseServer(t, { limits: { messageSizeBytes: MIB } });
  const client = await openTransaction(t, running.port());
  await client.command('RSET');
  const mail = await client.command(`MAIL FROM:<sender@outside.example> SIZE=${MIB + 1}`);
  assert.match(mail?.text ?? '', /^552 5\.3\.4 /);
  assert.equal((await client.command(`MAIL FROM:<sender@outside.example> SIZE=${MIB}`))?.code, 250);
  assert.match((await client.command('MAIL FROM:<sender@outside.example> SIZE=99999999999999999999999'))?.text ?? '', /^(503|552|501) /);
});
