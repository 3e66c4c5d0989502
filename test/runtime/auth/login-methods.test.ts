// CRAM-MD5 and XOAUTH2 against the real server on loopback, with real clients: nodemailer,
// swaks and `smtppolicy verify`. The password file is written by `smtppolicy passwd`, as
// an administrator would.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import nodemailer, { type TransportOptions } from 'nodemailer';
import type { RuntimeConfig } from '../../../runtime/config/types.js';
import { verifyServers } from '../../../verify/index.js';
import { runServer, tempDir, type RunningServer } from '../../helpers/server-fixture.js';
import { makeCertificate } from '../../helpers/certificates.js';
import { requireSwaks, runTool } from '../../helpers/tools.js';
import { makeRuntimeConfig, mechanismConfig, domainItem, src } from '../fixtures/config-builder.js';
import { runCli } from '../../cli/run-cli.js';

const ALICE = 'alice@example.test';
const ALICE_PASSWORD = 'alice-password';
const CAROL = 'carol@example.test';

interface Setup { running: RunningServer; carolToken: string }

/** alice: password + CRAM-MD5 secret; carol: token only. */
async function writeUsers(dir: string): Promise<string> {
  const cram = await runCli(['passwd', '--cram-md5', 'users.passwd', ALICE], { cwd: dir, stdin: `${ALICE_PASSWORD}\n` });
  assert.equal(cram.code, 0, cram.stderr);
  const token = await runCli(['passwd', '--token', 'users.passwd', CAROL], { cwd: dir });
  assert.equal(token.code, 0, token.stderr);
  return token.stdout.trim();
}

function config(dir: string, mechanisms: RuntimeConfig['servers'][0]['auth']['mechanisms'], withTls = true): RuntimeConfig {
  const cert = withTls ? makeCertificate({ dir }) : undefined;
  return makeRuntimeConfig({
    storageDir: dir,
    userStores: [{ name: 'users', file: 'users.passwd', source: src(5) }],
    servers: [{
      name: 'internal',
      listen: [{ address: '127.0.0.1', port: 2525, tlsMode: 'starttls', source: src(11) }],
      // optional TLS: CRAM-MD5 (which never sends the secret) is offered before STARTTLS,
      // XOAUTH2 (a bearer token) only after it
      tls: cert ? { certificates: [{ certificate: cert.certPath, key: cert.keyPath, serverNames: [], source: src(21) }], mode: 'optional' } : null,
      auth: { mechanisms, anonymous: false, senderMustMatch: false, source: src(30) },
      localDomains: [domainItem('example.test')],
    }],
  });
}

async function start(t: TestContext): Promise<Setup> {
  const dir = tempDir(t);
  const carolToken = await writeUsers(dir);
  const running = await runServer(t, config(dir, [mechanismConfig('CRAM-MD5', 'users', src(31)), mechanismConfig('XOAUTH2', 'users', src(32))]), { dir });
  return { running, carolToken };
}

type SmtpError = Error & { responseCode?: number; response?: string };

function send(port: number, localAddress: string, auth: Record<string, unknown>, tls: 'none' | 'starttls') {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1', port, secure: false, localAddress,
    ignoreTLS: tls === 'none', requireTLS: tls === 'starttls', tls: { rejectUnauthorized: false },
    auth, connectionTimeout: 5000, greetingTimeout: 5000, socketTimeout: 5000,
  } as TransportOptions);
  return transport.sendMail({ from: String(auth.user), to: 'postmaster@example.test', subject: 'login test', text: 'hello' })
    .finally(() => transport.close());
}

test('nodemailer logs in with CRAM-MD5 before STARTTLS; a wrong password gets 535 5.7.8', { timeout: 30000 }, async (t) => {
  const { running } = await start(t);
  const info = await send(running.port(), '127.0.0.31', { user: ALICE, pass: ALICE_PASSWORD, method: 'CRAM-MD5' }, 'none');
  assert.match(info.response, /^250 2\.0\.0 Ok: queued as/);
  await assert.rejects(send(running.port(), '127.0.0.32', { user: ALICE, pass: 'wrong-password', method: 'CRAM-MD5' }, 'none'), (error: SmtpError) => {
    assert.equal(error.responseCode, 535);
    assert.match(error.response ?? '', /^535 5\.7\.8 /);
    return true;
  });
  assert.equal(await running.handle.spool.count(), 1);
  const logins = running.logs.filter((l) => l.event === 'auth');
  assert.deepEqual(logins.map((l) => [l.mechanism, l.outcome]), [['CRAM-MD5', 'accept'], ['CRAM-MD5', 'refuse']]);
});

test('nodemailer logs in with XOAUTH2 after STARTTLS with the token passwd printed; a wrong token gets 535 5.7.8', { timeout: 30000 }, async (t) => {
  const { running, carolToken } = await start(t);
  assert.match(carolToken, /^[A-Za-z0-9_-]{43}$/);
  const info = await send(running.port(), '127.0.0.33', { type: 'OAuth2', user: CAROL, accessToken: carolToken }, 'starttls');
  assert.match(info.response, /^250 2\.0\.0 Ok: queued as/);
  await assert.rejects(send(running.port(), '127.0.0.34', { type: 'OAuth2', user: CAROL, accessToken: `${carolToken.slice(0, -1)}${carolToken.endsWith('A') ? 'B' : 'A'}` }, 'starttls'), (error: SmtpError) => {
    assert.equal(error.responseCode, 535);
    assert.match(error.response ?? '', /^535 5\.7\.8 /);
    return true;
  });
  // a token is bound to its user: carol's token does not log in alice
  await assert.rejects(send(running.port(), '127.0.0.35', { type: 'OAuth2', user: ALICE, accessToken: carolToken }, 'starttls'), (error: SmtpError) => error.responseCode === 535);
  assert.equal(await running.handle.spool.count(), 1);
});

test('swaks logs in with --auth CRAM-MD5; a wrong password is refused with 535 5.7.8', { timeout: 30000 }, async (t) => {
  // swaks computes the HMAC itself with Digest::MD5 (Perl core): `swaks --support` says so
  const swaks = requireSwaks(t, 'AUTH CRAM-MD5');
  if (!swaks) return;
  const { running } = await start(t);
  const args = (address: string, password: string) => ['--server', '127.0.0.1', '--port', String(running.port()), '--local-interface', address,
    '--auth', 'CRAM-MD5', '--auth-user', ALICE, '--auth-password', password, '--from', ALICE, '--to', 'postmaster@example.test', '--timeout', '5'];
  const ok = await runTool(swaks, args('127.0.0.36', ALICE_PASSWORD));
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  // swaks marks what it receives in clear with '<-' and errors with '<**'
  assert.match(ok.stdout, /^<- {2}235 2\.7\.0 /m);
  assert.match(ok.stdout, /^<- {2}250 2\.0\.0 Ok: queued as/m);
  const wrong = await runTool(swaks, args('127.0.0.37', 'wrong-password'));
  assert.notEqual(wrong.status, 0);
  assert.match(wrong.stdout, /^<\*\* +535 5\.7\.8 /m);
  assert.equal(await running.handle.spool.count(), 1);
});

test('smtppolicy verify logs in with CRAM-MD5 and sees a wrong password refused', { timeout: 30000 }, async (t) => {
  const dir = tempDir(t);
  await writeUsers(dir);
  const policy = config(dir, [mechanismConfig('CRAM-MD5', 'users', src(31))], false);
  const running = await runServer(t, policy, { dir });
  const report = await verifyServers(policy, {
    target: '127.0.0.1', portMap: new Map([[2525, running.port()]]), timeoutMs: 5000,
    credentials: { user: ALICE, password: ALICE_PASSWORD },
  });
  const login = report.probes.find((p) => p.id.startsWith('internal/2525/') && p.id.endsWith('/login'));
  const wrong = report.probes.find((p) => p.id.startsWith('internal/2525/') && p.id.endsWith('/wrong-password'));
  assert.ok(login && wrong, report.probes.map((p) => p.id).join(', '));
  assert.equal(login.status, 'pass', login.observed);
  assert.match(login.observed, /AUTH CRAM-MD5: 235/);
  assert.equal(wrong.status, 'pass', wrong.observed);
  assert.match(wrong.observed, /AUTH CRAM-MD5: 535/);
});

test('the server warns at start and on reload when a store has no secret for an offered mechanism', { timeout: 30000 }, async (t) => {
  const dir = tempDir(t);
  const passwd = await runCli(['passwd', 'users.passwd', ALICE], { cwd: dir, stdin: `${ALICE_PASSWORD}\n` });
  assert.equal(passwd.code, 0, passwd.stderr);
  const running = await runServer(t, config(dir, [mechanismConfig('PLAIN', 'users', src(30)), mechanismConfig('CRAM-MD5', 'users', src(31))]), { dir });
  const warnings = () => running.logs.filter((l) => l.event === 'user-store-missing-secret');
  assert.equal(warnings().length, 1);
  assert.equal(warnings()[0]!.mechanism, 'CRAM-MD5');
  assert.equal(warnings()[0]!.store, 'users');
  assert.match(String(warnings()[0]!.msg), /no user in .*users\.passwd has a cram-md5 secret.*smtppolicy passwd --cram-md5 /);
  // after `passwd --cram-md5` the store reloads (polled) without the warning
  const cram = await runCli(['passwd', '--cram-md5', join(dir, 'users.passwd'), ALICE], { cwd: dir, stdin: `${ALICE_PASSWORD}\n` });
  assert.equal(cram.code, 0, cram.stderr);
  const deadline = Date.now() + 5000;
  let accepted = false;
  while (!accepted && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    accepted = await send(running.port(), '127.0.0.38', { user: ALICE, pass: ALICE_PASSWORD, method: 'CRAM-MD5' }, 'none').then(() => true, () => false);
  }
  assert.ok(accepted, 'CRAM-MD5 works once the reloaded store has the secret');
  assert.equal(warnings().length, 1, 'no new warning after the reload');
});
