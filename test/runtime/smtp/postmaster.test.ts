// RFC 5321 4.5.1: `RCPT TO:<postmaster>` (any case, no domain) is accepted and delivered
// locally, even by a server whose relay rules refuse every other recipient outside its
// domains; it lands in the Maildir of postmaster@<first local domain> (or @<hostname>).
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { makeRuntimeConfig, domainItem, type ServerConfigOverrides } from '../fixtures/config-builder.js';
import { runServer, tempDir } from '../../helpers/server-fixture.js';
import { greetedClient } from '../../helpers/greeted-client.js';
import { waitFor } from '../delivery/helpers/smarthost-fixture.js';

const NO_RELAY = { anyone: false, authenticated: false, entries: [], source: null };

async function startDelivering(t: TestContext, server: ServerConfigOverrides) {
  const dir = tempDir(t, 'smtppolicy-postmaster-');
  const running = await runServer(t, makeRuntimeConfig({ storageDir: dir, servers: [server] }), { dir, delivery: true });
  return { dir, running };
}

async function mailbox(dir: string, domain: string, localPart: string): Promise<string[]> {
  const folder = join(dir, 'mail', domain, localPart, 'new');
  const names = await readdir(folder).catch(() => [] as string[]);
  return Promise.all(names.map((name) => readFile(join(folder, name), 'utf8')));
}

test('RCPT TO:<PostMaster> is accepted where relay is refused, and the message lands in postmaster@<first local domain>', { timeout: 20_000 }, async (t) => {
  const { dir, running } = await startDelivering(t, { localDomains: [domainItem('example.test'), domainItem('other.test')], relay: NO_RELAY });
  const client = await greetedClient(t, running.port(), '127.0.0.90');
  assert.equal((await client.command('MAIL FROM:<someone@outside.example>'))?.code, 250);
  assert.match((await client.command('RCPT TO:<someone@elsewhere.example>'))?.text ?? '', /^554 5\.7\.1 .*Relay access denied/, 'relay is refused');
  assert.match((await client.command('RCPT TO:<PostMaster>'))?.text ?? '', /^250 2\.1\.5 /);
  assert.equal((await client.command('DATA'))?.code, 354);
  assert.match((await client.command('Subject: abuse report\r\n\r\nyour server\r\n.'))?.text ?? '', /^250 2\.0\.0 Ok: queued as /);
  assert.equal((await client.command('QUIT'))?.code, 221);

  const delivered = await waitFor('the postmaster delivery', async () => {
    const found = await mailbox(dir, 'example.test', 'postmaster');
    return found.length > 0 ? found : undefined;
  });
  assert.equal(delivered.length, 1);
  assert.match(delivered[0]!, /^Return-Path: <someone@outside\.example>\r\nDelivered-To: postmaster@example\.test\r\nReceived: /);
  assert.match(delivered[0]!, /Subject: abuse report\r\n\r\nyour server\r\n$/);
  assert.deepEqual(await mailbox(dir, 'other.test', 'postmaster'), [], 'only the first local domain gets it');
  const decision = running.logs.find((l) => l.event === 'decision' && l.stage === 'rcpt' && l.outcome === 'accept');
  assert.equal(decision?.deliverTo, 'postmaster@example.test', 'the log says where the bare postmaster goes');
});

test('a server without local domains delivers the bare postmaster to postmaster@<hostname>; naming it twice gives one copy', { timeout: 20_000 }, async (t) => {
  const { dir, running } = await startDelivering(t, { hostname: 'mx.example.test', localDomains: [], relay: NO_RELAY });
  const client = await greetedClient(t, running.port(), '127.0.0.91');
  assert.equal((await client.command('MAIL FROM:<>'))?.code, 250);
  assert.equal((await client.command('RCPT TO:<postmaster>'))?.code, 250);
  assert.equal((await client.command('RCPT TO:<POSTMASTER>'))?.code, 250);
  assert.match((await client.command('RCPT TO:<postmaster@elsewhere.example>'))?.text ?? '', /^554 5\.7\.1 /, 'a postmaster in another domain is relaying');
  assert.equal((await client.command('DATA'))?.code, 354);
  assert.equal((await client.command('Subject: bounce\r\n\r\nbody\r\n.'))?.code, 250);

  const delivered = await waitFor('the postmaster delivery', async () => {
    const found = await mailbox(dir, 'mx.example.test', 'postmaster');
    return found.length > 0 ? found : undefined;
  });
  await waitFor('the spool to empty', async () => (await running.handle.spool.count()) === 0);
  assert.equal((await mailbox(dir, 'mx.example.test', 'postmaster')).length, 1, 'one copy for two forms of the same mailbox');
  assert.match(delivered[0]!, /^Return-Path: <>\r\nDelivered-To: postmaster@mx\.example\.test\r\n/);
});

test('a server that requires a login first refuses MAIL before it, also for the postmaster (RFC 6409 4.3)', { timeout: 15_000 }, async (t) => {
  const { running } = await startDelivering(t, {
    localDomains: [domainItem('example.test')], relay: NO_RELAY,
    auth: { mechanisms: [], anonymous: false, senderMustMatch: false, source: null },
  });
  const client = await greetedClient(t, running.port(), '127.0.0.92');
  assert.match((await client.command('MAIL FROM:<someone@outside.example>'))?.text ?? '', /^530 5\.7\.0 Authentication required/);
  assert.match((await client.command('RCPT TO:<postmaster>'))?.text ?? '', /^503 5\.5\.1 /, 'no transaction to add the postmaster to');
});
