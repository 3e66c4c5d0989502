// Logins checked by a real OpenLDAP directory (slapd on loopback, StartTLS with a test
// certificate, anonymous search refused), through a policy compiled end to end and one
// SMTP server for the file, with nodemailer and swaks over STARTTLS and default limits: the
// right password logs in (PLAIN and LOGIN), a wrong one gets 535, failed logins are throttled
// as for a password file, a login with filter metacharacters matches nobody else, and a
// stopped directory gives 454 4.7.0 without counting against the user: once it is back, the
// same user logs in at once.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import nodemailer, { type TransportOptions } from 'nodemailer';
import { compileToRuntimeConfig } from '../../../compiler/index.js';
import { runServer, tempDir } from '../../helpers/server-fixture.js';
import { makeCertificate } from '../../helpers/certificates.js';
import { startSlapd, SUFFIX } from '../../helpers/slapd.js';
import { runCli } from '../../cli/run-cli.js';
import { DirectoryStore } from '../../../runtime/auth/directory-store.js';
import { requireSwaks, runTool } from '../../helpers/tools.js';

const LDAP_HOST = '127.0.71.1';
const SMTP_HOST = '127.0.71.2';
const SERVICE_PASSWORD = 'service-secret';

function policy(ldapUrl: string, caFile: string, certificate: { certPath: string; keyPath: string }): string {
  return `storage { spool "spool"  maildir "mail" }
users staff ldap "${ldapUrl}" {
  bind-dn "cn=smtp,ou=services,${SUFFIX}"
  bind-password env SMTP_LDAP_PASSWORD
  base "ou=people,${SUFFIX}"
  filter "(&(objectClass=inetOrgPerson)(uid={login}))"
  ca-file "${caFile}"
  starttls
  timeout 1s
  pool 2
}

server submission {
  listen ${SMTP_HOST}:587
  hostname mail.example.test
  tls { certificate "${certificate.certPath}"  key "${certificate.keyPath}" }
  auth { basic users staff }
  relay { authenticated }
}
`;
}

type SmtpError = Error & { responseCode?: number; response?: string };

/** EHLO, STARTTLS and AUTH with this method; the AUTH reply (`235 …` or the refusal). */
async function login(port: number, localAddress: string, user: string, pass: string, method: 'PLAIN' | 'LOGIN'): Promise<string> {
  const transport = nodemailer.createTransport({
    host: SMTP_HOST, port, secure: false, localAddress, requireTLS: true, tls: { rejectUnauthorized: false },
    auth: { user, pass, method }, connectionTimeout: 5000, greetingTimeout: 5000, socketTimeout: 5000,
  } as TransportOptions);
  try {
    await transport.verify();
    return '235';
  } catch (error) {
    const { response, message } = error as SmtpError;
    return response ?? message;
  } finally {
    transport.close();
  }
}

test('a directory user store on a real slapd, over SMTP', { timeout: 60_000 }, async (t: TestContext) => {
  const slapd = await startSlapd(t, LDAP_HOST);
  if (!slapd) return;
  await slapd.addService('smtp', SERVICE_PASSWORD);
  await slapd.addUser('alice', 'alice-password');
  await slapd.addUser('bob', 'bob-password');
  const dir = tempDir(t);
  writeFileSync(join(dir, 'policy.smtppolicy'), policy(slapd.url, slapd.certificate.certPath, makeCertificate({ dir })));
  const compiled = await compileToRuntimeConfig(join(dir, 'policy.smtppolicy'));
  assert.deepEqual(compiled.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), []);
  const running = await runServer(t, compiled.config, { dir, env: { SMTP_LDAP_PASSWORD: SERVICE_PASSWORD } });
  const port = running.port();

  await t.test('the right password logs in with PLAIN and with LOGIN', async () => {
    assert.equal(await login(port, '127.0.71.11', 'alice', 'alice-password', 'PLAIN'), '235');
    assert.equal(await login(port, '127.0.71.11', 'bob', 'bob-password', 'LOGIN'), '235');
  });

  await t.test('swaks logs in with PLAIN after STARTTLS; a wrong password gets 535', async (st) => {
    const swaks = requireSwaks(st, 'TLS', 'Basic AUTH');
    if (!swaks) return;
    const run = (password: string) => runTool(swaks, ['--server', `${SMTP_HOST}:${port}`, '--local-interface', '127.0.71.15', '--tls',
      '--auth', 'PLAIN', '--auth-user', 'alice', '--auth-password', password, '--quit-after', 'AUTH', '--timeout', '10'], { timeoutMs: 30_000 });
    // swaks marks what it receives inside TLS with '<~' and errors with '<~*'
    const right = await run('alice-password');
    assert.equal(right.status, 0, right.stdout + right.stderr);
    assert.match(right.stdout, /^<~ {2}235 /m);
    const wrong = await run('bob-password');
    assert.notEqual(wrong.status, 0);
    assert.match(wrong.stdout, /^<~\* +535 5\.7\.8 /m);
  });

  await t.test('failed logins against the directory are throttled as any others (default limits)', async () => {
    // the default auth-failures is 5 (counted per address and per network, so the swaks
    // failure above may count too): wrong passwords get 535 until the limit, then 421, and
    // then even the right password is refused within the window
    const replies: string[] = [];
    while (replies.length < 6 && !replies.some((reply) => reply.startsWith('421'))) {
      replies.push(await login(port, '127.0.71.16', 'bob', 'wrong-password', 'PLAIN'));
    }
    const refusals = replies.filter((reply) => /^535 5\.7\.8 /.test(reply)).length;
    assert.ok(refusals >= 1 && refusals <= 5, replies.join(' | '));
    assert.match(replies.at(-1)!, /^421 4\.7\.0 .*too many failed authentication attempts/, replies.join(' | '));
    assert.match(await login(port, '127.0.71.16', 'bob', 'bob-password', 'PLAIN'), /^421 4\.7\.0 .*too many failed authentication attempts/);
  });

  await t.test('a wrong password, and an unknown user, get 535 5.7.8', async () => {
    assert.match(await login(port, '127.0.71.12', 'alice', 'bob-password', 'PLAIN'), /^535 5\.7\.8 /);
    assert.match(await login(port, '127.0.71.12', 'carol', 'alice-password', 'LOGIN'), /^535 5\.7\.8 /);
  });

  await t.test('filter metacharacters in the login match nobody else', async () => {
    // unescaped, each of these filters finds alice alone, and her password would log it in;
    // one client address each, so the throttle's lockout does not decide the reply
    const injections = ['ali*', '*)(uid=alice', 'alice)(|(uid=*'];
    for (const [index, injected] of injections.entries()) {
      assert.match(await login(port, `127.0.71.${20 + index}`, injected, 'alice-password', 'PLAIN'), /^535 5\.7\.8 /, injected);
    }
  });

  await t.test('without StartTLS (cleartext-loopback), a connection opens on its first request and is reused', async () => {
    const store = new DirectoryStore('local', {
      url: slapd.url, bindDn: `cn=smtp,ou=services,${SUFFIX}`, bindPassword: { env: 'BIND' }, base: `ou=people,${SUFFIX}`, filter: '(uid={login})',
      caFile: null, startTls: false, cleartextLoopback: true, timeoutMs: 2000, pool: 1, mailboxCacheMs: 60_000,
    }, { baseDir: dir, env: { BIND: SERVICE_PASSWORD } });
    await store.load();
    try {
      assert.equal(await store.verify('alice', 'alice-password'), 'alice');
      assert.equal(await store.verify('bob', 'alice-password'), null);
      assert.equal(await store.verify('bob', 'bob-password'), 'bob');
    } finally {
      store.close();
    }
  });

  await t.test('over ldaps://, the directory must present a certificate from ca-file', async () => {
    const ldaps = (caFile: string) => new DirectoryStore('tls', {
      url: slapd.ldapsUrl, bindDn: `cn=smtp,ou=services,${SUFFIX}`, bindPassword: { env: 'BIND' }, base: `ou=people,${SUFFIX}`, filter: '(uid={login})',
      caFile, startTls: false, cleartextLoopback: false, timeoutMs: 2000, pool: 1, mailboxCacheMs: 60_000,
    }, { baseDir: dir, env: { BIND: SERVICE_PASSWORD } });
    const trusted = ldaps(slapd.certificate.certPath);
    await trusted.load();
    t.after(() => trusted.close());
    assert.equal(await trusted.verify('alice', 'alice-password'), 'alice');
    // another CA: the TLS handshake fails, so nothing is sent, and the login is not "wrong"
    const stranger = ldaps(makeCertificate({ dir, name: 'stranger', commonName: LDAP_HOST, ipAddresses: [LDAP_HOST] }).certPath);
    await stranger.load();
    t.after(() => stranger.close());
    await assert.rejects(stranger.verify('alice', 'alice-password'), /directory unavailable/);
  });

  await t.test('smtppolicy users test checks a login as the server does (exit 0 right, 1 wrong)', async () => {
    const env = { SMTP_LDAP_PASSWORD: SERVICE_PASSWORD };
    const right = await runCli(['users', 'test', 'policy.smtppolicy', 'staff', 'bob'], { cwd: dir, env, stdin: 'bob-password\n' });
    assert.deepEqual([right.code, right.stdout], [0, "OK: 'bob' logs in with store 'staff'\n"]);
    const wrong = await runCli(['users', 'test', 'policy.smtppolicy', 'staff', 'bob'], { cwd: dir, env, stdin: 'alice-password\n' });
    assert.deepEqual([wrong.code, wrong.stdout], [1, "FAIL: wrong user name or password for 'bob' in store 'staff'\n"]);
    const noSecret = await runCli(['users', 'test', 'policy.smtppolicy', 'staff', 'bob'], { cwd: dir, env: {}, stdin: 'bob-password\n' });
    assert.equal(noSecret.code, 2);
    assert.match(noSecret.stderr, /bind-password: environment variable SMTP_LDAP_PASSWORD is not set/);
  });

  await t.test('a stopped directory gives 454 4.7.0, not counted as a failed login', async () => {
    await slapd.stop();
    // more attempts than the default limit of 5 failures: counted, they would lock alice out
    for (let attempt = 0; attempt < 6; attempt++) {
      assert.equal(await login(port, '127.0.71.14', 'alice', 'alice-password', 'PLAIN'), '454 4.7.0 Temporary authentication failure');
    }
    assert.ok(running.logs.some((line) => line.event === 'auth-directory-unavailable' && line.user === 'alice'));
    assert.ok(!running.logs.some((line) => JSON.stringify(line).includes('alice-password')), 'the password is never logged');
    const cli = await runCli(['users', 'test', 'policy.smtppolicy', 'staff', 'alice'], { cwd: dir, env: { SMTP_LDAP_PASSWORD: SERVICE_PASSWORD }, stdin: 'alice-password\n' });
    assert.equal(cli.code, 75, cli.stderr);
    assert.match(cli.stderr, /directory unavailable/);
    await slapd.start();
    assert.equal(await login(port, '127.0.71.14', 'alice', 'alice-password', 'PLAIN'), '235');
  });
});
