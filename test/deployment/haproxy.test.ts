// The deployment of docs/deployment.md, for real: HAProxy (the Debian package) in TCP mode
// with send-proxy-v2 in front of two `serve` instances, each with its own spool, sharing one
// redis-server, all run from the page's own configuration and policy
// (test/deployment/helpers/deployment-doc.ts gives them loopback addresses). (a) Connection
// control and relay are decided on the client's address that the PROXY header carries,
// never HAProxy's; (b) the default per-address limit holds across both instances, counted
// on that address in Redis; (c) one instance SIGKILLed under load loses no acknowledged
// message, and the other keeps serving; the only copies twice are the killed instance's
// deliveries in flight (at-least-once).
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { startHaproxy } from '../helpers/haproxy.js';
import { startRedis } from '../helpers/redis.js';
import { freePort, spawnCli, type ServeProcess } from '../helpers/serve-process.js';
import { tempDir } from '../helpers/server-fixture.js';
import { RawSmtpClient } from '../helpers/smtp-client.js';
import { requireTool } from '../helpers/tools.js';
import { DEFAULT_MAX_IN_FLIGHT } from '../../runtime/delivery/worker.js';
import { waitFor } from '../runtime/delivery/helpers/smarthost-fixture.js';
import { compileToRuntimeConfig } from '../../compiler/index.js';
import { haproxyConfig, instancePolicy, type Loopback } from './helpers/deployment-doc.js';

const BALANCER = '127.0.0.20';
const RELAY_CLIENT = '127.0.0.7'; // stands for the page's relay network
const OTHER_CLIENT = '127.0.0.8'; // neither refused nor granted relay
const REFUSED_CLIENT = '127.0.0.9'; // stands for the page's refused network
const LOAD_CLIENT = '127.0.0.31';
const LIMIT_CLIENT = '127.0.0.32';
const LOCAL_DOMAIN = 'example.com'; // the page's local-domains
const MAILBOXES = ['box']; // the page's mailbox list, as the test fills it

/** `serve` on instance `index`'s policy (a second call on the same dir is a restart: it recovers the spool). */
async function startInstance(t: TestContext, at: Loopback, index: number): Promise<ServeProcess> {
  const { dir } = at.instances[index]!;
  const policyPath = join(dir, 'policy.smtppolicy');
  await writeFile(policyPath, instancePolicy(at, index));
  await writeFile(join(dir, 'mailboxes'), `${MAILBOXES.join('\n')}\n`);
  // the page's policy has nothing the linter would warn about (serve itself stops only on errors)
  const { diagnostics } = await compileToRuntimeConfig(policyPath);
  assert.deepEqual(diagnostics.map((d) => `${d.ruleId}: ${d.message}`), [], "the page's policy lints clean");
  const serve = spawnCli(t, ['serve', policyPath, '--workers', '1']);
  await serve.waitListening(1, 60_000);
  return serve;
}

/**
 * Every message in the instances' maildirs: Message-ID → how many copies, → the instances
 * (by index) holding them, and the raw text.
 */
async function delivered(at: Loopback): Promise<{ counts: Map<string, number>; holders: Map<string, Set<number>>; raw: Map<string, string> }> {
  const counts = new Map<string, number>();
  const holders = new Map<string, Set<number>>();
  const raw = new Map<string, string>();
  for (const [index, { dir }] of at.instances.entries()) {
    const root = join(dir, 'mail', LOCAL_DOMAIN);
    for (const user of await readdir(root).catch(() => [] as string[])) {
      const folder = join(root, user, 'new');
      for (const name of await readdir(folder).catch(() => [] as string[])) {
        const text = await readFile(join(folder, name), 'latin1');
        const id = /^Message-ID: <([^>]+)>\r?$/im.exec(text)?.[1];
        assert.ok(id, `a delivered message without a Message-ID: ${folder}/${name}:\n${text}`);
        counts.set(id, (counts.get(id) ?? 0) + 1);
        holders.set(id, (holders.get(id) ?? new Set()).add(index));
        raw.set(id, text);
      }
    }
  }
  return { counts, holders, raw };
}

async function connectThroughHaproxy(t: TestContext, at: Loopback, client: string): Promise<RawSmtpClient> {
  const session = await RawSmtpClient.connect({ host: at.balancer, port: at.frontendPort, localAddress: client });
  t.after(() => session.close());
  return session;
}

async function reply(session: RawSmtpClient, command?: string): Promise<string> {
  const answer = command === undefined ? await session.read(15_000) : await session.command(command, 15_000);
  return answer?.text ?? '(connection closed)';
}

test('behind HAProxy with send-proxy-v2: the documented deployment on two instances', { timeout: 240_000 }, async (t) => {
  if (!requireTool(t, 'haproxy', 'haproxy')) return;
  const redisPassword = 'deployment-test-redis';
  const redis = await startRedis(t, { requirePass: redisPassword });
  if (!redis) return;
  t.after(() => redis.close());
  const redisPasswordFile = join(tempDir(t, 'smtppolicy-behind-haproxy-redis-'), 'redis.password');
  await writeFile(redisPasswordFile, `${redisPassword}\n`, { mode: 0o600 });
  const instanceAddresses = ['127.0.0.21', '127.0.0.22'];
  const at: Loopback = {
    balancer: BALANCER,
    frontendPort: await freePort(BALANCER),
    instances: await Promise.all(instanceAddresses.map(async (address) => ({
      address, port: await freePort(address), dir: tempDir(t, 'smtppolicy-behind-haproxy-'),
    }))),
    refused: REFUSED_CLIENT,
    relay: RELAY_CLIENT,
    redis: { url: redis.url, passwordFile: redisPasswordFile },
  };
  const instances = await Promise.all([0, 1].map((i) => startInstance(t, at, i)));
  const haproxy = (await startHaproxy(t, haproxyConfig(at)))!;
  // HAProxy's SMTP checks (check-send-proxy: a PROXY v2 LOCAL header) reach both instances as
  // sessions from HAProxy's own address, greeted; only then are both up for the tests below.
  for (const serve of instances) {
    await serve.waitForLog((l) => l.event === 'decision' && l.stage === 'connect' && l.outcome === 'accept' && l.client === BALANCER,
      "HAProxy's health check, greeted as a session of HAProxy itself");
  }
  await haproxy.waitForServer('smtppolicy', 'mx1', 'up');
  await haproxy.waitForServer('smtppolicy', 'mx2', 'up');
  const allLogs = () => instances.flatMap((serve) => serve.logs);

  await t.test('(a) connection control and relay are decided on the client address the PROXY header carries', async (t) => {
    const relaying = await connectThroughHaproxy(t, at, RELAY_CLIENT);
    assert.match(await reply(relaying), /^220 mx[12]\.example\.com ESMTP/);
    assert.match(await reply(relaying, 'EHLO relay.client.test'), /^250/);
    assert.equal(await reply(relaying, 'MAIL FROM:<sender@client.test>'), '250 2.1.0 Ok');
    assert.equal(await reply(relaying, 'RCPT TO:<someone@elsewhere.example>'), '250 2.1.5 Ok', 'the relay grant covers the real client');
    assert.equal(await reply(relaying, `RCPT TO:<box@${LOCAL_DOMAIN}>`), '250 2.1.5 Ok');
    assert.match(await reply(relaying, 'DATA'), /^354/);
    const messageId = 'behind-haproxy-relay@client.test';
    assert.match(await reply(relaying, `Subject: through HAProxy\r\nMessage-ID: <${messageId}>\r\n\r\nhello\r\n.`), /^250 2\.0\.0 Ok: queued as /);
    await reply(relaying, 'QUIT');

    const other = await connectThroughHaproxy(t, at, OTHER_CLIENT);
    assert.match(await reply(other), /^220 /);
    assert.match(await reply(other, 'EHLO other.client.test'), /^250/);
    assert.equal(await reply(other, 'MAIL FROM:<sender@client.test>'), '250 2.1.0 Ok');
    assert.equal(await reply(other, 'RCPT TO:<someone@elsewhere.example>'), '554 5.7.1 <someone@elsewhere.example>: Relay access denied',
      "HAProxy's own address is not what decides");

    const refused = await connectThroughHaproxy(t, at, REFUSED_CLIENT);
    assert.equal(await reply(refused), '554 5.7.1 Access denied', 'connection control refuses the real client at connect');

    // the trace header and the log lines name the real client
    const { raw } = await waitFor('the relayed session\'s local copy to be delivered', async () => {
      const found = await delivered(at);
      return found.raw.has(messageId) ? found : undefined;
    }, 30_000);
    assert.match(raw.get(messageId)!, new RegExp(`^Received: from relay\\.client\\.test \\(unknown \\[${RELAY_CLIENT.replaceAll('.', '\\.')}\\]\\)`, 'm'));
    for (const [client, outcome] of [[RELAY_CLIENT, 'accept'], [OTHER_CLIENT, 'refuse'], [REFUSED_CLIENT, 'refuse']] as const) {
      const stage = client === REFUSED_CLIENT ? 'connect' : 'rcpt';
      await waitFor(`the ${stage} decision about ${client} in an instance's log`, () =>
        allLogs().some((l) => l.event === 'decision' && l.client === client && l.stage === stage && l.outcome === outcome));
    }
    const balancerDecisions = allLogs().filter((l) => l.client === BALANCER && l.event === 'decision' && l.stage !== 'connect');
    assert.deepEqual(balancerDecisions, [], 'no mail decision was taken for HAProxy\'s address');
  });

  await t.test("(b) the default connections-per-address 10 holds across both instances, counted on the client's own address in the one Redis", async (t) => {
    const sessions = await Promise.all(Array.from({ length: 12 }, () => connectThroughHaproxy(t, at, LIMIT_CLIENT)));
    const greetings = await Promise.all(sessions.map((session) => reply(session)));
    const greeted = greetings.filter((g) => /^220 /.test(g)).length;
    assert.equal(greeted, 10, greetings.join(' | '));
    for (const refused of greetings.filter((g) => !/^220 /.test(g))) assert.match(refused, /^421 4\.7\.0 /);
    // HAProxy spread them (leastconn): both instances admitted some, so the count was shared
    const admittedBy = () => instances.map((serve) => serve.logs.filter((l) => l.event === 'decision' && l.stage === 'connect' && l.outcome === 'accept' && l.client === LIMIT_CLIENT).length);
    await waitFor('the 10 admissions in the instances\' logs', async () => admittedBy().reduce((a, b) => a + b) === 10, 15_000);
    assert.ok(admittedBy().every((n) => n > 0), `admitted per instance: ${admittedBy().join(', ')}`);
    for (const session of sessions) session.close();
  });

  await t.test('(c) one instance SIGKILLed under load: no acknowledged message lost, the other keeps serving, only deliveries in flight made twice', async (t) => {
    const MESSAGES = 120;
    // The killed instance's slots stay counted in Redis until its lease runs out (30 s), so
    // twice the sessions must fit the default connections-per-address (10) on the survivor.
    const SESSIONS = 5;
    const KILL_AFTER_ACKS = 30;
    const [victim, survivor] = instances as [ServeProcess, ServeProcess];
    const transport = nodemailer.createTransport({
      host: at.balancer, port: at.frontendPort, localAddress: LOAD_CLIENT, secure: false, ignoreTLS: true,
      pool: true, maxConnections: SESSIONS, maxMessages: Infinity, connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 60_000,
      // a message whose connection is cut fails instead of being sent again (the pool's default
      // resends it, as any MTA would): then a copy too many can only be the servers' doing
      maxRequeues: 0,
    });
    t.after(() => transport.close());
    const acked = new Set<string>();
    let ackedAfterKill = 0;
    let killedAt: number | undefined;
    const idOf = (seq: number) => `load-${seq}@client.test`;
    const sends = Array.from({ length: MESSAGES }, async (_, seq) => {
      const raw = [`From: load@client.test`, `To: box@${LOCAL_DOMAIN}`, `Subject: load ${seq}`, `Message-ID: <${idOf(seq)}>`, '', `message ${seq}`, ''].join('\r\n');
      const info = await transport.sendMail({ envelope: { from: 'load@client.test', to: [`box@${LOCAL_DOMAIN}`] }, raw });
      if (!/^250 /.test(info.response)) return;
      acked.add(idOf(seq));
      if (killedAt !== undefined) ackedAfterKill++;
      if (killedAt === undefined && acked.size >= KILL_AFTER_ACKS) {
        killedAt = Date.now();
        process.kill(victim.pid, 'SIGKILL');
      }
    });
    const settled = await Promise.allSettled(sends);
    transport.close();
    assert.ok(killedAt !== undefined, `mx1 was killed in the middle (acked ${acked.size})`);
    assert.equal((await victim.exited).signal, 'SIGKILL');
    assert.ok(ackedAfterKill > 0, 'messages went on being acknowledged after the kill');
    assert.ok(survivor.logs.some((l) => l.event === 'queued' && Date.parse(String(l.time)) > killedAt!), 'mx2 acknowledged mail after the kill');
    await haproxy.waitForServer('smtppolicy', 'mx1', 'down', 5_000);

    // mx1 starts again on its own spool (systemd's Restart= would) and delivers what it had acknowledged
    const restarted = await startInstance(t, at, 0);
    let found = await delivered(at);
    const missing = () => [...acked].filter((id) => !found.counts.has(id));
    const deadline = Date.now() + 60_000;
    while (missing().length > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      found = await delivered(at);
    }
    assert.deepEqual(missing(), [], 'every message acknowledged with 250 is delivered by one instance or the other');
    const copies = found.counts;
    // The load never resends a message, so a second copy can only be the delivery's
    // at-least-once (docs/operations.md): a Maildir delivery under way when mx1 was killed
    // is made again by the restarted mx1, into the same mailbox; never more than the
    // deliveries one instance runs at once, never a copy on each instance.
    const duplicates = [...copies].filter(([id, n]) => id.startsWith('load-') && n > 1).map(([id]) => id);
    for (const id of duplicates) {
      assert.equal(copies.get(id), 2, `${id}: at most one delivery again`);
      assert.deepEqual([...found.holders.get(id)!], [0], `${id}: both copies in the killed instance's mailbox`);
    }
    const deliveredByRestart = () => restarted.logs.filter((l) => l.event === 'delivered').length;
    // its log lines reach us within the log buffer's flush interval after the files
    await restarted.waitForLog(() => deliveredByRestart() >= duplicates.length, 'the restarted mx1 to log its deliveries', 5_000).catch(() => undefined);
    const redelivered = deliveredByRestart();
    assert.ok(duplicates.length <= Math.min(DEFAULT_MAX_IN_FLIGHT, redelivered),
      `copies delivered again (${duplicates.join(', ')}) are at most the deliveries in flight at the kill, and were made by the restarted mx1 (${redelivered})`);
    const fromVictim = restarted.logs.filter((l) => l.event === 'delivered').length + victim.logs.filter((l) => l.event === 'delivered').length;
    assert.ok(fromVictim > 0, 'mx1 had taken part of the load before it was killed');
    t.diagnostic(`acked ${acked.size} (${ackedAfterKill} after the kill), cut off ${settled.filter((s) => s.status === 'rejected').length}, ` +
      `delivered ${[...copies.keys()].filter((id) => id.startsWith('load-')).length} (${redelivered} by mx1 after its restart, ${duplicates.length} of them a second time)`);
  });
});
