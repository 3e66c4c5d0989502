// Zero loss across a crash, for any relay path: `smtppolicy serve` runs as a real process,
// takes messages over parallel SMTP sessions, is SIGKILLed in the middle, restarted on the
// same spool, and left to drain. Every message that got a 250 must arrive (at the relay's
// receiving server or in the Maildir) exactly once, except the few the delivery worker had
// in flight at the kill, which may arrive twice (at-least-once, bounded by the worker's
// messages in flight). crash.test.ts runs it through a smart host, direct-crash.test.ts
// through MX hosts found in DNS.
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import nodemailer from 'nodemailer';
import type { RelayTarget, ResolverConfig } from '../../../../runtime/config/types.js';
import { cidrItem, domainItem, makeRuntimeConfig, src } from '../../fixtures/config-builder.js';
import { tempDir } from '../../../helpers/server-fixture.js';
import { freePort, spawnCli } from '../../../helpers/serve-process.js';
import { DEFAULT_MAX_IN_FLIGHT } from '../../../../runtime/delivery/worker.js';
import { Spool } from '../../../../runtime/delivery/spool.js';
import { waitFor, type ReceivedMessage } from './smarthost-fixture.js';

export interface CrashScenario {
  /** Where relayed mail goes, and the server that receives it there. */
  relayTo: RelayTarget;
  received: ReceivedMessage[];
  /** The resolver of the served config (direct delivery needs the test's DNS server). */
  resolver?: ResolverConfig;
  /** Relayed recipients' domain. */
  remoteDomain: string;
  messages: number;
  killAfterAcks: number;
}

const SESSIONS = 10;

function seqOf(raw: Buffer | string): number {
  const match = /^X-Test-Seq: (\d+)\r?$/m.exec(raw.toString('latin1'));
  assert.ok(match, 'every delivered message carries its X-Test-Seq header');
  return Number(match[1]);
}

function messageFor(seq: number, to: string): string {
  return [
    'From: load@sender.example',
    `To: ${to}`,
    `Subject: crash test ${seq}`,
    `Message-ID: <crash-${seq}@sender.example>`,
    `X-Test-Seq: ${seq}`,
    '',
    `body of message ${seq}`,
    'x'.repeat(200),
    '',
  ].join('\r\n');
}

/** Messages still queued, as `smtppolicy queue` sees them (the spool is read, never initialised). */
async function queuedIds(spoolDir: string): Promise<string[]> {
  return new Spool(spoolDir).ids();
}

async function maildirSeqs(folder: string): Promise<number[]> {
  let names: string[];
  try {
    names = await readdir(folder);
  } catch {
    return [];
  }
  return Promise.all(names.map(async (name) => seqOf(await readFile(join(folder, name)))));
}

function countBy(seqs: number[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const s of seqs) counts.set(s, (counts.get(s) ?? 0) + 1);
  return counts;
}

export async function runCrashScenario(t: TestContext, scenario: CrashScenario): Promise<void> {
  const { messages, killAfterAcks, received } = scenario;
  const dir = tempDir(t, 'smtppolicy-crash-');
  const port = await freePort();
  const config = makeRuntimeConfig({
    storageDir: dir,
    ...(scenario.resolver ? { resolver: scenario.resolver } : {}),
    servers: [{
      name: 'crash',
      listen: [{ address: '127.0.0.1', port, tlsMode: 'starttls', source: src(11) }],
      connections: { mode: 'deny-list', entries: [], source: null },
      relay: { anyone: false, authenticated: false, entries: [cidrItem('127.0.0.0/8')], source: null },
      localDomains: [domainItem('example.test')],
      relayTo: scenario.relayTo,
      limits: { maxConnections: 50, maxConnectionsPerAddress: 50 },
    }],
  });
  const configPath = join(dir, 'config.json');
  await writeFile(configPath, JSON.stringify(config, null, 2));

  const first = spawnCli(t, ['serve', configPath, '--log-level', 'warn']);
  // 'listening' is logged at info: wait for the port instead of the log line
  await waitFor('the first server to listen', async () => {
    const probe = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
    try {
      return await probe.verify();
    } catch {
      return false;
    } finally {
      probe.close();
    }
  }, 30_000);

  const transport = nodemailer.createTransport({
    host: '127.0.0.1', port, secure: false, ignoreTLS: true, pool: true, maxConnections: SESSIONS, maxMessages: Infinity,
    connectionTimeout: 5000, greetingTimeout: 5000, socketTimeout: 10_000,
  });
  t.after(() => transport.close());
  const acked = new Set<number>();
  const localSeqs = new Set<number>();
  let killed = false;
  const sends = Array.from({ length: messages }, async (_, seq) => {
    const local = seq % 5 === 0;
    if (local) localSeqs.add(seq);
    const to = local ? 'box@example.test' : `dest${seq}@${scenario.remoteDomain}`;
    const info = await transport.sendMail({ envelope: { from: 'load@sender.example', to: [to] }, raw: messageFor(seq, to) });
    if (/^250 /.test(info.response)) acked.add(seq);
    if (!killed && acked.size >= killAfterAcks) {
      killed = true;
      first.child.kill('SIGKILL');
    }
  });
  const settled = await Promise.allSettled(sends);
  assert.ok(killed, `the server was killed in the middle (acked ${acked.size})`);
  assert.equal((await first.exited).signal, 'SIGKILL');
  transport.close();
  const refused = settled.filter((s) => s.status === 'rejected').length;
  assert.ok(refused > 0, 'some messages were cut off by the kill');
  assert.ok(acked.size >= killAfterAcks && acked.size < messages, `acked ${acked.size} of ${messages}`);

  const second = spawnCli(t, ['serve', configPath, '--log-level', 'warn']);
  const spoolDir = join(dir, 'spool');
  const mailbox = join(dir, 'mail', 'example.test', 'box', 'new');
  await waitFor('the restarted server to drain the spool', async () => {
    if (second.child.exitCode !== null) throw new Error(`the restarted server exited: ${second.stderr()}`);
    return (await queuedIds(spoolDir)).length === 0 && received.length + (await maildirSeqs(mailbox)).length >= acked.size;
  }, 120_000);
  // both delivery paths are quiet now: give a late duplicate a moment to show itself
  await new Promise((r) => setTimeout(r, 1500));
  await second.kill();
  assert.deepEqual(second.logs.filter((l) => Number(l.level) >= 50), [], 'the restarted server logged no errors');
  assert.deepEqual(await readdir(join(spoolDir, 'state')), [], 'no delivery state is left behind');
  assert.deepEqual(await readdir(join(spoolDir, 'queue')), [], 'no message file is left behind');

  const relayed = countBy(received.map((m) => seqOf(m.raw)));
  const delivered = countBy(await maildirSeqs(mailbox));
  for (const seq of delivered.keys()) assert.ok(localSeqs.has(seq), `message ${seq} in the Maildir was sent to the local mailbox`);
  for (const seq of relayed.keys()) assert.ok(!localSeqs.has(seq), `message ${seq} at the relay's server was sent for relay`);
  const all = new Map([...relayed, ...delivered]);
  const missing = [...acked].filter((seq) => !all.has(seq)).sort((a, b) => a - b);
  assert.deepEqual(missing, [], 'every acknowledged message is delivered');
  const duplicates = [...all].filter(([, n]) => n > 1);
  assert.ok(duplicates.every(([, n]) => n === 2), `no message delivered more than twice: ${JSON.stringify(duplicates)}`);
  assert.ok(duplicates.length <= DEFAULT_MAX_IN_FLIGHT, `duplicates bounded by the messages in flight: ${JSON.stringify(duplicates)}`);
  // messages cut off by the kill may or may not have been committed; nothing else arrives
  for (const seq of all.keys()) assert.ok(seq >= 0 && seq < messages);
  assert.ok(delivered.size > 0 && relayed.size > 0, 'both local and relayed deliveries happened');
  for (const m of received) assert.equal(m.to.length, 1);
  t.diagnostic(`acked ${acked.size}, cut off ${refused}, delivered ${all.size} distinct (${delivered.size} to Maildir), duplicates ${duplicates.length}`);
}
