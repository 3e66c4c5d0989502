// Rate limits on the wire, from a policy compiled end to end with default settings except
// the rate under test (one virtual server per setting, one server process for the file):
// the connection, message and recipient rates are refused with Postfix's reply lines, the
// connection's 421 closes it, and other client addresses (and networks) are unaffected.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { compileToRuntimeConfig } from '../../../compiler/index.js';
import { runServer, tempDir, type RunningServer } from '../../helpers/server-fixture.js';
import { RawSmtpClient } from '../../helpers/smtp-client.js';

const SERVERS = {
  conn: { host: '127.0.72.1', setting: 'connection-rate-per-address 2/1m' },
  net: { host: '127.0.72.2', setting: 'connection-rate-per-network 2/1m' },
  mail: { host: '127.0.72.3', setting: 'message-rate-per-address 2/1m' },
  rcpt: { host: '127.0.72.4', setting: 'recipient-rate-per-address 3/1m' },
};

function policy(): string {
  return Object.entries(SERVERS).map(([name, { host, setting }]) => `server ${name} {
  listen ${host}:25
  hostname ${name}.example.test
  local-domains example.test
  recipients example.test { catch-all }
  limits { ${setting} }
}
`).join('\n');
}

let server: RunningServer;
/** What the file's server leaves to clean up (runServer registers it as a test's would). */
const cleanups: (() => unknown)[] = [];

before(async () => {
  const t = { after: (fn: () => unknown) => cleanups.push(fn) } as unknown as TestContext;
  const dir = tempDir(t);
  writeFileSync(join(dir, 'rates.smtppolicy'), policy());
  const { config, diagnostics } = await compileToRuntimeConfig(join(dir, 'rates.smtppolicy'));
  assert.deepEqual(diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), []);
  server = await runServer(t, config, { dir });
});

after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function connect(t: TestContext, name: keyof typeof SERVERS, from: string): Promise<RawSmtpClient> {
  const client = await RawSmtpClient.connect({ port: server.port(name), host: SERVERS[name].host, localAddress: from });
  t.after(() => client.close());
  return client;
}

async function greeted(t: TestContext, name: keyof typeof SERVERS, from: string): Promise<RawSmtpClient> {
  const client = await connect(t, name, from);
  assert.equal((await client.read())?.code, 220);
  assert.equal((await client.command('EHLO client.example'))?.code, 250);
  return client;
}

describe('rate limits on the wire', () => {
  test('connection-rate-per-address 2/1m: the third connection gets 421 4.7.0 and is closed; another address is greeted', async (t) => {
    for (let i = 0; i < 2; i++) assert.equal((await (await connect(t, 'conn', '127.0.73.1')).read())?.code, 220);
    const third = await connect(t, 'conn', '127.0.73.1');
    assert.equal((await third.read())?.text, '421 4.7.0 conn.example.test Error: too many connections from 127.0.73.1');
    assert.equal(await third.read(), null, 'the connection is closed after the 421');
    assert.equal((await (await connect(t, 'conn', '127.0.73.2')).read())?.code, 220);
    const line = server.logs.find((l) => l['event'] === 'decision' && l['limit'] === 'connection-rate-per-address');
    assert.equal(line?.['reply'], '421 4.7.0 conn.example.test Error: too many connections from 127.0.73.1');
    assert.equal(line?.['client'], '127.0.73.1');
  });

  test('connection-rate-per-network 2/1m: a third address of the same /24 is refused, another /24 is not', async (t) => {
    assert.equal((await (await connect(t, 'net', '127.0.74.1')).read())?.code, 220);
    assert.equal((await (await connect(t, 'net', '127.0.74.2')).read())?.code, 220);
    const third = await connect(t, 'net', '127.0.74.3');
    assert.equal((await third.read())?.text, '421 4.7.0 net.example.test Error: too many connections from 127.0.74.0/24');
    assert.equal((await (await connect(t, 'net', '127.0.75.1')).read())?.code, 220);
  });

  test('message-rate-per-address 2/1m: the third MAIL FROM gets 450 4.7.1, the session goes on; another address may send', async (t) => {
    const client = await greeted(t, 'mail', '127.0.76.1');
    for (let i = 0; i < 2; i++) {
      assert.equal((await client.command('MAIL FROM:<a@outside.example>'))?.code, 250);
      assert.equal((await client.command('RSET'))?.code, 250);
    }
    assert.equal((await client.command('MAIL FROM:<a@outside.example>'))?.text, '450 4.7.1 Error: too much mail from 127.0.76.1');
    assert.equal((await client.command('NOOP'))?.code, 250, 'a 450 does not end the session');
    const other = await greeted(t, 'mail', '127.0.76.2');
    assert.equal((await other.command('MAIL FROM:<b@outside.example>'))?.code, 250);
  });

  test('recipient-rate-per-address 3/1m: refused recipients count too; the fourth RCPT gets 450 4.7.1; another address may send', async (t) => {
    const client = await greeted(t, 'rcpt', '127.0.77.1');
    assert.equal((await client.command('MAIL FROM:<a@outside.example>'))?.code, 250);
    assert.equal((await client.command('RCPT TO:<one@example.test>'))?.code, 250);
    assert.equal((await client.command('RCPT TO:<someone@elsewhere.example>'))?.code, 554, 'relay refused, and counted');
    assert.equal((await client.command('RCPT TO:<two@example.test>'))?.code, 250);
    assert.equal((await client.command('RCPT TO:<three@example.test>'))?.text, '450 4.7.1 Error: too many recipients from 127.0.77.1');
    const other = await greeted(t, 'rcpt', '127.0.77.2');
    assert.equal((await other.command('MAIL FROM:<b@outside.example>'))?.code, 250);
    assert.equal((await other.command('RCPT TO:<one@example.test>'))?.code, 250);
  });
});
