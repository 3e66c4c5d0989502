// Two hosts behind a load balancer, for real: two `smtppolicy serve --workers 2` process
// trees (each with its own spool and listen address) and one redis-server, both policies
// naming it in their `state` block. The limits hold across the 2 × 2 processes exactly, the
// failed-login throttle is shared, and when Redis stops each host does what its
// `on-unreachable` says (host A the default fail-closed: 421 4.3.0; host B `local`: serves
// with its own limits), visible in its logs, metrics and /healthz (the primary's, which asks
// every worker), until Redis is back. A worker killed with -9 leaves no slot behind: its
// primary frees them in Redis at once.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { get } from 'node:http';
import { join } from 'node:path';
import type { RuntimeConfig } from '../../../../runtime/config/types.js';
import { domainItem, makeRuntimeConfig, mechanismConfig, src } from '../../../runtime/fixtures/config-builder.js';
import { writePasswordFile } from '../../../helpers/password-file.js';
import { startRedis } from '../../../helpers/redis.js';
import { freePort, spawnCli, type ServeProcess } from '../../../helpers/serve-process.js';
import { tempDir } from '../../../helpers/server-fixture.js';
import { plainAuth, RawSmtpClient } from '../../../helpers/smtp-client.js';

const USER = 'demo@example.test';
const PASSWORD = 'correct horse battery staple';

interface Host {
  name: string;
  address: string;
  port: number;
  adminPort: number;
  serve: ServeProcess;
}

async function startHost(t: TestContext, name: string, address: string, redisUrl: string, onUnreachable: 'fail-closed' | 'local'): Promise<Host> {
  const dir = tempDir(t, `smtppolicy-redis-${name}-`);
  await writePasswordFile(dir, { [USER]: PASSWORD });
  const port = await freePort(address);
  const adminPort = await freePort(address);
  const config: RuntimeConfig = makeRuntimeConfig({
    storageDir: dir,
    userStores: [{ name: 'users', file: 'users.passwd', source: src(5) }],
    admin: { listen: [{ address, port: adminPort }], source: src(3) },
    servers: [{
      listen: [{ address, port, tlsMode: 'starttls', source: src(11) }],
      localDomains: [domainItem('example.test')],
      limits: { maxConnectionsPerAddress: 5 },
      auth: { mechanisms: [mechanismConfig('PLAIN')], anonymous: true, senderMustMatch: false, source: src(30) },
    }],
  });
  config.state = { backend: 'redis', url: redisUrl, password: null, caFile: null, onUnreachable, source: src(1) };
  const configPath = join(dir, 'config.json');
  await writeFile(configPath, JSON.stringify(config, null, 2));
  const serve = spawnCli(t, ['serve', configPath, '--workers', '2']);
  await serve.waitForLog((l) => l.event === 'workers-ready', `host ${name}'s workers to serve`, 120_000);
  return { name, address, port, adminPort, serve };
}

async function connect(t: TestContext, host: Host, localAddress: string): Promise<RawSmtpClient> {
  const client = await RawSmtpClient.connect({ host: host.address, port: host.port, localAddress });
  t.after(() => client.close());
  return client;
}

function adminGet(host: Host, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get({ host: host.address, port: host.adminPort, path }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

async function until(what: string, check: () => Promise<boolean>, ms = 30_000): Promise<void> {
  for (const deadline = Date.now() + ms; !(await check());) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function sample(metrics: string, series: string): number | undefined {
  const line = metrics.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : undefined;
}

test('two hosts × two workers share their limits in one Redis', { timeout: 300_000 }, async (t) => {
  const redis = await startRedis(t);
  if (!redis) return;
  t.after(() => redis.close());
  const [a, b] = await Promise.all([
    startHost(t, 'a', '127.0.74.1', redis.url, 'fail-closed'),
    startHost(t, 'b', '127.0.74.2', redis.url, 'local'),
  ]);

  await t.test('a per-address limit of 5 holds exactly: 20 simultaneous connections over both hosts, 5 greeted, 15 get 421 4.7.0', async (t) => {
    const client = '127.0.74.10';
    const clients = await Promise.all(Array.from({ length: 20 }, (_, i) => connect(t, i % 2 ? a : b, client)));
    const first = await Promise.all(clients.map((c) => c.read(60_000)));
    const greeted = clients.filter((_, i) => first[i]?.code === 220);
    assert.equal(greeted.length, 5, `replies: ${first.map((r) => r?.text ?? 'closed').join(' | ')}`);
    for (const reply of first.filter((r) => r?.code !== 220)) assert.match(reply?.text ?? 'closed', /^421 4\.7\.0 .*too many connections from 127\.0\.74\.10/);
    // every process of both hosts took connections of the client (else nothing was shared)
    const workersOf = async (host: Host) => {
      await host.serve.waitForLog(() => host.serve.logs.filter((l) => l.client === client && (l.event === 'refused' || l.event === 'decision')).length >= 10, `host ${host.name}'s 10 lines`, 60_000);
      return new Set(host.serve.logs.filter((l) => l.client === client && l.worker !== undefined).map((l) => Number(l.worker))).size;
    };
    assert.deepEqual([await workersOf(a), await workersOf(b)], [2, 2]);
    for (const c of greeted) assert.equal((await c.command('QUIT', 30_000))?.code, 221);
  });

  await t.test('failed logins are counted across hosts: 5 guesses over both lock the address out on both', async (t) => {
    const guesser = '127.0.74.20';
    const replies: string[] = [];
    for (let i = 0; i < 5; i++) {
      const client = await connect(t, i % 2 ? a : b, guesser);
      assert.equal((await client.read(60_000))?.code, 220);
      assert.equal((await client.command('EHLO guesser.example', 30_000))?.code, 250);
      replies.push((await client.command(`AUTH PLAIN ${plainAuth(USER, `guess-${i}`)}`, 60_000))?.text ?? 'closed');
      client.close();
    }
    for (const reply of replies.slice(0, 4)) assert.match(reply, /^535 5\.7\.8 /);
    assert.match(replies[4]!, /^421 4\.7\.0 .*too many failed authentication attempts/);
    for (const host of [a, b]) {
      const client = await connect(t, host, guesser);
      assert.equal((await client.read(60_000))?.code, 220);
      assert.equal((await client.command('EHLO guesser.example', 30_000))?.code, 250);
      assert.match((await client.command(`AUTH PLAIN ${plainAuth(USER, PASSWORD)}`, 60_000))?.text ?? 'closed', /^421 4\.7\.0 /, `host ${host.name}`);
      client.close();
    }
  });

  await t.test('a worker SIGKILLed while holding connections: its primary frees its slots in Redis at once (not a 30 s lease later)', async (t) => {
    const client = '127.0.74.40';
    const held = await Promise.all(Array.from({ length: 5 }, () => connect(t, a, client)));
    assert.deepEqual((await Promise.all(held.map((c) => c.read(60_000)))).map((r) => r?.code), [220, 220, 220, 220, 220]);
    const decisions = await a.serve.waitForLog(() => a.serve.logs.filter((l) => l.client === client && l.event === 'decision').length >= 5, 'the 5 decisions', 30_000)
      .then(() => a.serve.logs.filter((l) => l.client === client && l.event === 'decision'));
    const victim = Number(decisions[0]!.worker);
    const victimHeld = decisions.filter((l) => Number(l.worker) === victim).length;
    const pid = Number(a.serve.logs.find((l) => l.event === 'worker-ready' && Number(l.worker) === victim)!.pid);
    const readyBefore = a.serve.logs.filter((l) => l.event === 'worker-ready').length;
    const killedAt = Date.now();
    process.kill(pid, 'SIGKILL');
    const freed = await a.serve.waitForLog((l) => l.event === 'worker-slots-freed' && Number(l.pid) === pid, 'the dead worker\'s slots freed', 30_000);
    assert.equal(freed.slots, victimHeld);
    assert.ok(Date.now() - killedAt < 10_000, `freed ${Date.now() - killedAt} ms after the kill`);
    // on the other host: exactly the dead worker's slots are free, the survivor's still count
    const again = await Promise.all(Array.from({ length: 5 }, () => connect(t, b, client)));
    const replies = await Promise.all(again.map((c) => c.read(60_000)));
    assert.equal(replies.filter((r) => r?.code === 220).length, victimHeld, replies.map((r) => r?.text ?? 'closed').join(' | '));
    for (const c of [...held, ...again]) c.close();
    await a.serve.waitForLog(() => a.serve.logs.filter((l) => l.event === 'worker-ready').length > readyBefore, 'the replacement worker', 60_000);
  });

  await t.test('Redis stops: host A (fail-closed) refuses with 421 4.3.0, host B (local) serves with its own limits; both say so; Redis back: restored', async (t) => {
    await redis.stop();
    await Promise.all([a, b].map((host) => host.serve.waitForLog((l) => l.event === 'state-unreachable', `host ${host.name}'s state-unreachable`, 30_000)));
    const refused = await connect(t, a, '127.0.74.30');
    assert.match((await refused.read(60_000))?.text ?? 'closed', /^421 4\.3\.0 .*limits cannot be checked now/);
    // host B: its own count (the primary's, for its two workers): 5 of 7 from one address
    const local = await Promise.all(Array.from({ length: 7 }, () => connect(t, b, '127.0.74.31')));
    const localReplies = await Promise.all(local.map((c) => c.read(60_000)));
    assert.equal(localReplies.filter((r) => r?.code === 220).length, 5, localReplies.map((r) => r?.text ?? 'closed').join(' | '));

    // /healthz, answered by each primary from what its workers say: A refuses, B serves on its own limits
    await until('host A\'s /healthz says 503', async () => (await adminGet(a, '/healthz')).status === 503);
    assert.match((await adminGet(a, '/healthz')).body, /^worker \d+: state backend redis unreachable \(on-unreachable fail-closed: sessions refused\)/);
    // each primary answers from its workers' last pings: wait for one that has seen Redis go
    await until('host B\'s /healthz names the fallback', async () => /unreachable/.test((await adminGet(b, '/healthz')).body));
    const healthB = await adminGet(b, '/healthz');
    assert.equal(healthB.status, 200);
    assert.match(healthB.body, /^worker \d+: state backend redis unreachable \(on-unreachable local: this host's own limits\)/);

    const [metricsA, metricsB] = [(await adminGet(a, '/metrics')).body, (await adminGet(b, '/metrics')).body];
    assert.equal(sample(metricsA, 'smtppolicy_state_backend_up{backend="redis"}'), 0);
    assert.ok((sample(metricsA, 'smtppolicy_state_fallback_decisions_total{decision="admit",mode="fail-closed"}') ?? 0) >= 1, metricsA);
    assert.ok((sample(metricsB, 'smtppolicy_state_fallback_decisions_total{decision="admit",mode="local"}') ?? 0) >= 7, metricsB);
    for (const c of local) c.close();

    await redis.start();
    await Promise.all([a, b].map((host) => host.serve.waitForLog((l) => l.event === 'state-restored', `host ${host.name}'s state-restored`, 30_000)));
    const again = await connect(t, a, '127.0.74.30');
    assert.equal((await again.read(60_000))?.code, 220);
    assert.equal(sample((await adminGet(a, '/metrics')).body, 'smtppolicy_state_backend_up{backend="redis"}'), 1);
    await until('both /healthz say ok again', async () => (await Promise.all([a, b].map((h) => adminGet(h, '/healthz')))).every((r) => r.status === 200 && r.body === 'ok\n'));
  });
});
