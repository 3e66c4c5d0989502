// Recipient validation and aliases on the wire, from a policy compiled end to end and one
// server for the file (delivery on, a smart host sink on loopback for the outside copies):
// an unknown local part gets 550 5.1.1 at RCPT (swaks, default settings otherwise); an
// alias fans out to Maildirs and to the relay queue from a client that may not relay; a
// loop is delivered once and logged; the mailbox list follows its file, a reload (what
// SIGHUP does) reads it again, and a list that goes bad keeps the last good mailboxes.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Writable } from 'node:stream';
import { compileToRuntimeConfig } from '../../../compiler/index.js';
import { startServer, type ServerHandle } from '../../../runtime/smtp/start-server.js';
import { createLogger } from '../../../runtime/observe/logger.js';
import { tmpdir } from 'node:os';
import { RawSmtpClient } from '../../helpers/smtp-client.js';
import { requireSwaks, runTool } from '../../helpers/tools.js';
import { startSmarthost, waitFor, type Smarthost } from '../delivery/helpers/smarthost-fixture.js';

const HOST = '127.0.61.1';

function policy(smarthostPort: number): string {
  return `storage { spool "spool"  maildir "mail" }
users staff file "staff.passwd"

server mx {
  listen ${HOST}:25
  hostname mx.example.test
  local-domains example.test, team.test
  recipients example.test {
    mailboxes file "mailboxes"
    mailboxes users staff
    alias "sales" to "alice", "carol@team.test", "partner@remote.example"
    alias "loop-a" to "loop-b"
    alias "loop-b" to "loop-a", "alice"
  }
  recipients team.test { catch-all }
  relay-to smarthost "127.0.0.1:${smarthostPort}" { tls none }
}
`;
}

let dir: string;
let handle: ServerHandle;
let port: number;
let smarthost: Smarthost;
const logs: Record<string, unknown>[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'smtppolicy-recipients-'));
  smarthost = await startSmarthost();
  writeFileSync(join(dir, 'policy.smtppolicy'), policy(smarthost.port));
  writeFileSync(join(dir, 'mailboxes'), 'alice@example.test\ncarol@example.test\n');
  writeFileSync(join(dir, 'staff.passwd'), 'dave@example.test:token$sha256$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n');
  const compiled = await compileToRuntimeConfig(join(dir, 'policy.smtppolicy'));
  const errors = compiled.diagnostics.filter((d) => d.severity === 'error' && (d.ruleId === 'syntax' || d.ruleId === 'semantic'));
  assert.deepEqual(errors.map((d) => d.message), []);
  const sink = new Writable({
    write(chunk, _encoding, callback) {
      for (const line of String(chunk).split('\n')) if (line.trim()) logs.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  handle = await startServer(compiled.config, { baseDir: compiled.baseDir, logger: createLogger('info', sink), portOverride: () => 0, pollIntervalMs: 50 });
  port = handle.addresses()[0]!.port;
});

after(async () => {
  await handle?.close();
  await smarthost?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** One transaction from a client that has not logged in (so it may not relay); the RCPT replies, and the end of DATA. */
async function send(recipients: string[], subject: string): Promise<{ rcpt: string[]; data: string | null }> {
  const client = await RawSmtpClient.connect({ port, host: HOST });
  try {
    assert.equal((await client.read())?.code, 220);
    assert.equal((await client.command('EHLO client.example'))?.code, 250);
    assert.equal((await client.command('MAIL FROM:<friend@outside.example>'))?.code, 250);
    const rcpt: string[] = [];
    for (const to of recipients) rcpt.push((await client.command(`RCPT TO:<${to}>`))?.text ?? '(closed)');
    if (!rcpt.some((r) => r.startsWith('250'))) return { rcpt, data: null };
    assert.equal((await client.command('DATA'))?.code, 354);
    const end = await client.command(`Subject: ${subject}\r\n\r\nbody\r\n.`);
    await client.command('QUIT');
    return { rcpt, data: end?.text ?? null };
  } finally {
    client.socket.destroy();
  }
}

function maildir(domain: string, localPart: string): string[] {
  const folder = join(dir, 'mail', domain, localPart, 'new');
  return existsSync(folder) ? readdirSync(folder).map((name) => readFileSync(join(folder, name), 'utf8')) : [];
}

const withSubject = (messages: string[], subject: string) => messages.filter((m) => m.includes(`Subject: ${subject}\r\n`));

describe('recipients on the wire', () => {
  test('swaks: an unknown local part is refused at RCPT with 550 5.1.1, and no Maildir is made for it', async (t) => {
    const swaks = requireSwaks(t);
    if (!swaks) return;
    const result = await runTool(swaks, ['--server', `${HOST}:${port}`, '--from', 'friend@outside.example', '--to', 'nobody@example.test'], { timeoutMs: 15_000 });
    assert.notEqual(result.status, 0, 'swaks reports the refusal');
    assert.match(result.stdout, /<\*\* 550 5\.1\.1 <nobody@example\.test>: Recipient address rejected: User unknown in local recipient table/);
    assert.equal(existsSync(join(dir, 'mail', 'example.test', 'nobody')), false);
    const known = await runTool(swaks, ['--server', `${HOST}:${port}`, '--from', 'friend@outside.example', '--to', 'dave@example.test'], { timeoutMs: 15_000 });
    assert.equal(known.status, 0, `a user of the store is a mailbox: ${known.stdout}`);
    const counted = await handle.metrics.recipientsUnknown.get();
    assert.ok(counted.values.some((v) => v.value >= 1), 'counted in smtppolicy_recipients_unknown_total');
  });

  test('an alias fans out: local Maildirs, another local domain, and the relay queue to the smart host; one copy per mailbox', async () => {
    const { rcpt, data } = await send(['sales@example.test', 'alice@example.test'], 'fan-out');
    assert.deepEqual(rcpt.map((r) => r.slice(0, 9)), ['250 2.1.5', '250 2.1.5']);
    assert.match(data ?? '', /^250 2\.0\.0 Ok: queued as /);
    await waitFor('the outside copy at the smart host', () => smarthost.received.find((m) => m.raw.toString().includes('Subject: fan-out')));
    await waitFor('the local copies', () => withSubject(maildir('team.test', 'carol'), 'fan-out').length === 1 || undefined);
    assert.equal(withSubject(maildir('example.test', 'alice'), 'fan-out').length, 1, 'alice is named twice (directly and by the alias): one copy');
    const relayed = smarthost.received.filter((m) => m.raw.toString().includes('Subject: fan-out'));
    assert.equal(relayed.length, 1);
    assert.deepEqual(relayed[0]!.to, ['partner@remote.example']);
    assert.equal(relayed[0]!.from, 'friend@outside.example', 'forwarded with the original sender');
    assert.equal(existsSync(join(dir, 'mail', 'example.test', 'sales')), false, 'the alias itself has no Maildir');
    const decision = logs.find((l) => l.event === 'decision' && l.rcptTo === 'sales@example.test');
    assert.deepEqual(decision?.targets, ['alice@example.test', 'carol@team.test', 'partner@remote.example']);
  });

  test('naming the outside address directly is still relaying: refused', async () => {
    const { rcpt } = await send(['partner@remote.example'], 'direct');
    assert.match(rcpt[0]!, /^554 5\.7\.1 <partner@remote\.example>: Relay access denied/);
  });

  test('an alias loop is caught: each mailbox gets the message once, and the loop is logged', async () => {
    const { rcpt, data } = await send(['loop-a@example.test'], 'loop');
    assert.match(rcpt[0]!, /^250 2\.1\.5/);
    assert.match(data ?? '', /^250 /);
    await waitFor('the delivery', () => withSubject(maildir('example.test', 'loop-a'), 'loop').length === 1 || undefined);
    await waitFor('the message to leave the spool', async () => (await handle.spool.count()) === 0 || undefined);
    assert.equal(withSubject(maildir('example.test', 'alice'), 'loop').length, 1);
    assert.equal(withSubject(maildir('example.test', 'loop-a'), 'loop').length, 1, 'delivered once where the loop closes');
    assert.equal(existsSync(join(dir, 'mail', 'example.test', 'loop-b')), false);
    const loop = logs.find((l) => l.event === 'alias-loop');
    assert.deepEqual(loop?.loop, ['loop-a@example.test', 'loop-b@example.test', 'loop-a@example.test']);
    assert.equal(loop?.deliveredTo, 'loop-a@example.test');
  });

  test('the mailbox list is read again when it changes', async () => {
    assert.match((await send(['bob@example.test'], 'x')).rcpt[0]!, /^550 5\.1\.1/);
    writeFileSync(join(dir, 'mailboxes'), 'alice@example.test\ncarol@example.test\nbob@example.test\n');
    await waitFor('the changed list to be read', () => logs.some((l) => l.event === 'mailbox-lists-loaded' && (l.mailboxes as Record<string, number>)['example.test'] === 4) || undefined);
    assert.match((await send(['bob@example.test'], 'x')).rcpt[0]!, /^250 2\.1\.5/);
  });

  test('a reload (what SIGHUP does) reads the mailbox lists again, even when nothing watches them', async () => {
    const own = mkdtempSync(join(tmpdir(), 'smtppolicy-recipients-reload-'));
    try {
      writeFileSync(join(own, 'policy.smtppolicy'), policy(smarthost.port));
      writeFileSync(join(own, 'mailboxes'), 'alice@example.test\n');
      writeFileSync(join(own, 'staff.passwd'), '');
      const compiled = await compileToRuntimeConfig(join(own, 'policy.smtppolicy'));
      // polled once an hour: only the reload can see the change within this test
      const quiet = await startServer(compiled.config, { baseDir: compiled.baseDir, portOverride: () => 0, delivery: false, pollIntervalMs: 3_600_000 });
      try {
        const ask = async (to: string) => {
          const client = await RawSmtpClient.connect({ port: quiet.addresses()[0]!.port, host: HOST });
          try {
            await client.read();
            await client.command('EHLO client.example');
            await client.command('MAIL FROM:<friend@outside.example>');
            return (await client.command(`RCPT TO:<${to}>`))?.text ?? '(closed)';
          } finally {
            client.socket.destroy();
          }
        };
        assert.match(await ask('eve@example.test'), /^550 5\.1\.1/);
        writeFileSync(join(own, 'mailboxes'), 'alice@example.test\neve@example.test\n');
        assert.match(await ask('eve@example.test'), /^550 5\.1\.1/, 'not read without a reload');
        await quiet.reload(compiled.config, compiled.baseDir);
        assert.match(await ask('eve@example.test'), /^250 2\.1\.5/);
      } finally {
        await quiet.close();
      }
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  });

  test('a list that goes bad keeps the last good mailboxes, and the log says which line', async () => {
    writeFileSync(join(dir, 'mailboxes'), 'alice@example.test\nthis is not an address\n');
    const failed = await waitFor('the failed reload', () => logs.find((l) => l.event === 'mailbox-list-reload-failed'));
    assert.match(String(failed.error), /mailboxes:2:1: expected an address/);
    assert.match((await send(['bob@example.test'], 'x')).rcpt[0]!, /^250 2\.1\.5/, 'bob stays a mailbox');
  });
});
