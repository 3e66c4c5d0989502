// Recipients decided by a real OpenLDAP directory (slapd on loopback, StartTLS with a test
// certificate, anonymous search refused), through a policy compiled end to end: a user's
// `mail` and its AD-style `proxyAddresses` (any case of the `smtp:` prefix) are mailboxes,
// a group's address fans out to its members, an unknown address gets 550 5.1.1, filter
// metacharacters in the address match nothing else, a stopped directory defers with
// 451 4.4.3 (never 550, never 250 for an address the cache does not hold) and the server
// recovers when it is back, and an answer is kept for `mailbox-cache` and forgotten on reload.
// The security cases run with the default settings (mailbox-cache 1m).
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { compileToRuntimeConfig } from '../../../compiler/index.js';
import { runServer, tempDir } from '../../helpers/server-fixture.js';
import { RawSmtpClient } from '../../helpers/smtp-client.js';
import { startSlapd, SUFFIX, type Slapd } from '../../helpers/slapd.js';

const LDAP_HOST = '127.0.21.1';
const SMTP_HOST = '127.0.21.2';
const SERVICE_PASSWORD = 'service-secret';

function policy(slapd: Slapd, extra = ''): string {
  return `storage { spool "spool"  maildir "mail" }
users staff ldap "${slapd.url}" {
  bind-dn "cn=smtp,ou=services,${SUFFIX}"
  bind-password env SMTP_LDAP_PASSWORD
  base "${SUFFIX}"
  ca-file "${slapd.certificate.certPath}"
  starttls
${extra}}

server inbound {
  listen ${SMTP_HOST}:25
  hostname mx.example.test
  local-domains example.test
  recipients example.test {
    mailboxes users staff
    alias "sales" to "team@example.test"
  }
}
`;
}

async function compile(t: TestContext, slapd: Slapd, extra = '') {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'policy.smtppolicy'), policy(slapd, extra));
  const compiled = await compileToRuntimeConfig(join(dir, 'policy.smtppolicy'));
  assert.deepEqual(compiled.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), []);
  return { dir, config: compiled.config };
}

/** One transaction's RCPT replies, in order (`code enhanced`). */
async function rcpts(t: TestContext, port: number, client: string, recipients: string[]): Promise<string[]> {
  const smtp = await RawSmtpClient.connect({ port, host: SMTP_HOST, localAddress: client });
  t.after(() => smtp.close());
  assert.equal((await smtp.read())?.code, 220);
  assert.equal((await smtp.command('EHLO client.example'))?.code, 250);
  assert.equal((await smtp.command('MAIL FROM:<sender@outside.example>'))?.code, 250);
  const replies: string[] = [];
  for (const rcpt of recipients) {
    // a RCPT may wait the store's whole timeout (5 s by default) for a directory that went
    // away silently; RFC 5321 4.5.3.2 gives the client 5 minutes
    const reply = await smtp.command(`RCPT TO:<${rcpt}>`, 15_000);
    replies.push(`${reply?.code} ${reply?.lines[0]?.split(' ')[0] ?? ''}`);
  }
  await smtp.command('QUIT');
  return replies;
}

test('mailboxes and group aliases from a real slapd decide RCPT', { timeout: 90_000 }, async (t: TestContext) => {
  const slapd = await startSlapd(t, LDAP_HOST);
  if (!slapd) return;
  await slapd.addService('smtp', SERVICE_PASSWORD);
  const alice = await slapd.addMailbox('alice', { mail: 'alice@example.test' });
  const bob = await slapd.addMailbox('bob', { proxyAddresses: ['SMTP:bob@example.test', 'smtp:robert@example.test'] });
  await slapd.addMailbox('carol', { mail: 'carol@outside.example' });
  const carol = `uid=carol,ou=people,${SUFFIX}`;
  const everyone = await slapd.addGroup('everyone', [alice, bob]);
  await slapd.addGroup('team', [alice, carol, everyone], 'team@example.test');
  const { dir, config } = await compile(t, slapd);
  const running = await runServer(t, config, { dir, env: { SMTP_LDAP_PASSWORD: SERVICE_PASSWORD } });
  const port = running.port();

  await t.test('mail and proxyAddresses are mailboxes; anything else is 550 5.1.1', async () => {
    assert.deepEqual(await rcpts(t, port, '127.0.21.10', ['alice@example.test', 'Bob@Example.Test', 'robert@example.test', 'nobody@example.test']), [
      '250 2.1.5', '250 2.1.5', '250 2.1.5', '550 5.1.1',
    ]);
  });

  await t.test('a group with an address forwards to its members, nested groups flattened', async () => {
    assert.deepEqual(await rcpts(t, port, '127.0.21.11', ['team@example.test', 'sales@example.test']), ['250 2.1.5', '250 2.1.5']);
    const accepted = running.logs.filter((line) => line.event === 'decision' && line.rcptTo === 'team@example.test' && Array.isArray(line.targets));
    assert.deepEqual((accepted.at(-1)?.targets as string[]).sort(), ['alice@example.test', 'bob@example.test', 'carol@outside.example']);
  });

  await t.test('filter metacharacters in the address match nothing but themselves', async () => {
    // unescaped, `*@example.test` would match every mailbox and `a*` alice
    assert.deepEqual(await rcpts(t, port, '127.0.21.12', ['*@example.test', 'a*@example.test', 'x)(mail=*@example.test']), ['550 5.1.1', '550 5.1.1', '550 5.1.1']);
  });

  await t.test('a stopped directory defers unknown-to-the-cache recipients with 451 4.4.3 and recovers', async () => {
    await slapd.stop();
    // alice was answered a moment ago and is kept (mailbox-cache 1m); dave never was
    assert.deepEqual(await rcpts(t, port, '127.0.21.13', ['alice@example.test', 'dave@example.test', 'nobody2@example.test']), ['250 2.1.5', '451 4.4.3', '451 4.4.3']);
    assert.ok(running.logs.some((line) => line.event === 'directory-unavailable' && line.rcptTo === 'dave@example.test'));
    await slapd.start();
    await slapd.addMailbox('dave', { mail: 'dave@example.test' });
    assert.deepEqual(await rcpts(t, port, '127.0.21.13', ['dave@example.test', 'nobody2@example.test']), ['250 2.1.5', '550 5.1.1']);
  });

  await t.test('an answer is kept for mailbox-cache, and a reload forgets it', async () => {
    assert.deepEqual(await rcpts(t, port, '127.0.21.14', ['erin@example.test']), ['550 5.1.1']);
    await slapd.addMailbox('erin', { mail: 'erin@example.test' });
    // the "no such address" is kept: a harvest of made-up names asks the directory once per name
    assert.deepEqual(await rcpts(t, port, '127.0.21.14', ['erin@example.test']), ['550 5.1.1']);
    await running.handle.reload(config, dir);
    assert.deepEqual(await rcpts(t, port, '127.0.21.14', ['erin@example.test']), ['250 2.1.5']);
  });
});

test('mailbox-cache bounds how long an answer is kept', { timeout: 60_000 }, async (t: TestContext) => {
  const slapd = await startSlapd(t, LDAP_HOST);
  if (!slapd) return;
  await slapd.addService('smtp', SERVICE_PASSWORD);
  const frank = await slapd.addMailbox('frank', { mail: 'frank@example.test' });
  const { dir, config } = await compile(t, slapd, '  mailbox-cache 1s\n');
  assert.equal(config.userStores.map((store) => ('ldap' in store ? store.ldap.mailboxCacheMs : null))[0], 1000);
  const running = await runServer(t, config, { dir, env: { SMTP_LDAP_PASSWORD: SERVICE_PASSWORD } });
  const port = running.port();
  assert.deepEqual(await rcpts(t, port, '127.0.21.20', ['frank@example.test']), ['250 2.1.5']);
  await slapd.remove(frank);
  // within the second, the kept answer decides; after it, the directory does
  assert.deepEqual(await rcpts(t, port, '127.0.21.20', ['frank@example.test']), ['250 2.1.5']);
  await new Promise((resolve) => setTimeout(resolve, 1200));
  assert.deepEqual(await rcpts(t, port, '127.0.21.20', ['frank@example.test']), ['550 5.1.1']);
});
