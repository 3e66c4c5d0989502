// One server process with `state { redis … }` against a real redis-server, on the wire:
// Redis's password comes from a file, and when Redis stops the default fail-closed answers
// a new connection 421 4.3.0 and AUTH 454 4.7.0 (no password checked), /healthz says 503
// with the reason, the gauge is 0 and the refusals are counted; Redis back: served again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeRuntimeConfig, mechanismConfig, src } from '../../fixtures/config-builder.js';
import { writePasswordFile } from '../../../helpers/password-file.js';
import { startRedis } from '../../../helpers/redis.js';
import { runServer, tempDir } from '../../../helpers/server-fixture.js';
import { plainAuth, RawSmtpClient } from '../../../helpers/smtp-client.js';

const USER = 'demo@example.test';
const PASSWORD = 'correct horse battery staple';

async function until(what: string, check: () => boolean, ms = 10_000): Promise<void> {
  for (const deadline = Date.now() + ms; !check();) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('one server with its limits in Redis: fail-closed on the wire, then restored', async (t) => {
  const redis = await startRedis(t, { requirePass: 'redis secret' });
  if (!redis) return;
  t.after(() => redis.close());
  const dir = tempDir(t);
  await writePasswordFile(dir, { [USER]: PASSWORD });
  writeFileSync(join(dir, 'redis.secret'), 'redis secret\n');
  const config = makeRuntimeConfig({
    storageDir: dir,
    userStores: [{ name: 'users', file: 'users.passwd', source: src(5) }],
    admin: { listen: [{ address: '127.0.0.1', port: 9725 }], source: src(3) },
    servers: [{ auth: { mechanisms: [mechanismConfig('PLAIN')], anonymous: true, senderMustMatch: false, source: src(30) } }],
  });
  config.state = { backend: 'redis', url: redis.url, password: { file: 'redis.secret' }, caFile: null, onUnreachable: 'fail-closed', source: src(1) };
  const server = await runServer(t, config, { dir });
  const admin = `http://127.0.0.1:${server.handle.adminAddresses()[0]!.port}`;
  const connect = async () => {
    const client = await RawSmtpClient.connect({ port: server.port() });
    t.after(() => client.close());
    return client;
  };
  assert.equal((await fetch(`${admin}/healthz`)).status, 200);

  const open = await connect();
  assert.equal((await open.read(10_000))?.code, 220, 'the password file let the server in (Redis requires one)');
  assert.equal((await open.command('EHLO client.example', 10_000))?.code, 250);

  await redis.stop();
  await until('state-unreachable', () => server.logs.some((l) => l.event === 'state-unreachable'));
  // a session already open goes on, but its AUTH is not checked uncounted
  assert.match((await open.command(`AUTH PLAIN ${plainAuth(USER, PASSWORD)}`, 10_000))?.text ?? 'closed', /^454 4\.7\.0 /);
  assert.equal(server.logs.filter((l) => l.event === 'auth').length, 0, 'no password was checked');
  const refused = await connect();
  assert.match((await refused.read(10_000))?.text ?? 'closed', /^421 4\.3\.0 .*limits cannot be checked now, try again later/);

  const health = await fetch(`${admin}/healthz`);
  assert.equal(health.status, 503);
  assert.match(await health.text(), /state backend redis unreachable \(on-unreachable fail-closed: sessions refused\)/);
  const metrics = await (await fetch(`${admin}/metrics`)).text();
  assert.match(metrics, /^smtppolicy_state_backend_up\{backend="redis"\} 0$/m);
  assert.match(metrics, /^smtppolicy_state_fallback_decisions_total\{decision="admit",mode="fail-closed"\} 1$/m);
  assert.match(metrics, /^smtppolicy_state_fallback_decisions_total\{decision="auth",mode="fail-closed"\} 1$/m);
  assert.match(metrics, /^smtppolicy_connections_refused_total\{server="default",reason="state-unavailable"\} 1$/m);

  await redis.start();
  await until('state-restored', () => server.logs.some((l) => l.event === 'state-restored'));
  assert.equal((await fetch(`${admin}/healthz`)).status, 200);
  const again = await connect();
  assert.equal((await again.read(10_000))?.code, 220);
  assert.equal((await again.command('EHLO client.example', 10_000))?.code, 250);
  assert.equal((await again.command(`AUTH PLAIN ${plainAuth(USER, PASSWORD)}`, 10_000))?.code, 235);
});
