// `npm start` as a newcomer meets it: scripts/quickstart.mjs on the built package, first
// start in an empty var/ (certificate and demo user created), then the README's trials with
// swaks and `smtppolicy queue`. It runs in a temp copy (SMTPPOLICY_QUICKSTART_DIR) so the
// developer's var/ is never touched, on ports the OS picked (SMTPPOLICY_QUICKSTART_PORTS, the
// README's way around busy ports), and with a PATH that holds only `node`: npm start must
// not need the openssl binary (or anything else) for its development certificate.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './helpers/server-fixture.js';
import { freePort, REPO_ROOT, spawnNode } from './helpers/serve-process.js';
import { requireSwaks, runTool } from './helpers/tools.js';
import { createSelfSignedCertificate } from '../runtime/smtp/self-signed-certificate.js';

/** The built command, as package.json's bin names it (what `npm start` runs). */
const CLI = join(REPO_ROOT, JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).bin.smtppolicy as string);
const QUICKSTART = join(REPO_ROOT, 'scripts', 'quickstart.mjs');

/** A folder for PATH with only `node` in it: no openssl, no shell tools. */
function pathWithOnlyNode(t: TestContext): string {
  const bin = tempDir(t, 'smtppolicy-only-node-');
  symlinkSync(process.execPath, join(bin, 'node'));
  const openssl = spawnSync('/bin/sh', ['-c', 'command -v openssl'], { env: { PATH: bin } });
  assert.notEqual(openssl.status, 0, 'openssl must not be reachable on this PATH');
  return bin;
}

/** A temp quickstart home: examples/quickstart.smtppolicy and its mailbox list, nothing else. */
function quickstartHome(t: TestContext): { home: string; policy: string } {
  const home = tempDir(t, 'smtppolicy-quickstart-');
  mkdirSync(join(home, 'examples'));
  const policy = join(home, 'examples', 'quickstart.smtppolicy');
  copyFileSync(join(REPO_ROOT, 'examples', 'quickstart.smtppolicy'), policy);
  copyFileSync(join(REPO_ROOT, 'examples', 'quickstart.mailboxes'), join(home, 'examples', 'quickstart.mailboxes'));
  return { home, policy };
}

function run(command: string, args: string[], timeoutMs: number, env: NodeJS.ProcessEnv = {}): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let output = '';
    child.stdout.on('data', (d) => (output += String(d)));
    child.stderr.on('data', (d) => (output += String(d)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, output });
    });
  });
}

/** Every file under dir with its size and mtime: proof that a folder was left alone. */
function snapshot(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort().map((name) => {
    const stat = statSync(join(dir, name));
    return `${name} ${stat.isDirectory() ? 'dir' : stat.size} ${stat.mtimeMs}`;
  });
}

async function until<T>(what: string, probe: () => Promise<T | false> | T | false, timeoutMs = 20000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function ensureBuilt(t: TestContext): Promise<void> {
  if (existsSync(CLI)) return;
  t.diagnostic(`${CLI} is missing: running npm run build`);
  const built = await run('npm', ['run', 'build'], 240_000);
  assert.equal(built.status, 0, `npm run build failed:\n${built.output}`);
}

test('npm start without openssl on PATH, on moved ports: submission needs TLS and the demo login, relayed mail waits in the queue, local mail lands in var/mail, unknown recipients are refused', { timeout: 300_000 }, async (t) => {
  const swaks = requireSwaks(t, 'TLS', 'Basic AUTH');
  if (!swaks) return;
  await ensureBuilt(t);
  const developerVar = snapshot(join(REPO_ROOT, 'var'));
  const [inboundPort, submissionPort, implicitPort] = [await freePort(), await freePort(), await freePort()];

  const { home, policy } = quickstartHome(t);
  const quickstart = spawnNode(t, [QUICKSTART], {
    env: { SMTPPOLICY_QUICKSTART_DIR: home, SMTPPOLICY_QUICKSTART_PORTS: `${inboundPort},${submissionPort},${implicitPort}`, PATH: pathWithOnlyNode(t) },
  });
  const ports = await quickstart.waitListening(3, 60_000);
  assert.deepEqual([...ports].sort(), [inboundPort!, submissionPort!, implicitPort!].sort(), 'SMTPPOLICY_QUICKSTART_PORTS moves all three listeners');
  assert.equal(readFileSync(policy, 'utf8'), readFileSync(join(REPO_ROOT, 'examples', 'quickstart.smtppolicy'), 'utf8'), 'the example itself is left as it is');

  const certificatePath = join(home, 'var', 'dev-certificate.pem');
  const keyPath = join(home, 'var', 'dev-key.pem');
  assert.ok(existsSync(certificatePath) && existsSync(keyPath), 'first start creates the development certificate');
  assert.equal(statSync(keyPath).mode & 0o777, 0o600, 'the private key is readable by its owner only');
  const certificate = new X509Certificate(readFileSync(certificatePath));
  assert.match(certificate.subjectAltName ?? '', /DNS:mx\.example\.test/);
  assert.match(certificate.subjectAltName ?? '', /DNS:mail\.example\.test/);
  assert.match(certificate.subjectAltName ?? '', /IP Address:127\.0\.0\.1/);
  const validDays = (Date.parse(certificate.validTo) - Date.parse(certificate.validFrom)) / 86_400_000;
  assert.ok(validDays <= 31, `a development certificate is short-lived (${validDays} days)`);
  assert.match(readFileSync(join(home, 'var', 'quickstart.passwd'), 'utf8'), /^demo@example\.test:/m, 'first start creates the demo user');
  assert.ok(quickstart.logs.some((l) => l.event === 'dev-certificate'), 'the certificate creation is logged');

  const submit = (tls: boolean) => runTool(swaks, [
    '--server', `127.0.0.1:${submissionPort}`, ...(tls ? ['--tls'] : []), '--auth-user', 'demo@example.test', '--auth-password', 'demo-password',
    '--from', 'demo@example.test', '--to', 'someone@elsewhere.example', '--header', 'Subject: quickstart relay',
  ], { timeoutMs: 30_000 });
  const withTls = await submit(true);
  assert.equal(withTls.status, 0, withTls.stdout + withTls.stderr);
  assert.match(withTls.stdout, /<~ {2}235 /, 'the demo user logs in after STARTTLS');
  assert.match(withTls.stdout, /<~ {2}250 2\.0\.0 Ok: queued as /);
  const implicitTls = await runTool(swaks, ['--server', `127.0.0.1:${implicitPort}`, '--tlsc', '--auth-user', 'demo@example.test', '--auth-password', 'demo-password', '--quit-after', 'AUTH'], { timeoutMs: 30_000 });
  assert.equal(implicitTls.status, 0, implicitTls.stdout + implicitTls.stderr);
  assert.match(implicitTls.stdout, /<~ {2}235 /, 'the demo user logs in over implicit TLS');
  const withoutTls = await submit(false);
  assert.notEqual(withoutTls.status, 0, 'the same without --tls is refused');
  assert.doesNotMatch(withoutTls.stdout, /^<- {2}250-AUTH/m, 'AUTH is not offered before TLS');
  assert.match(withoutTls.stdout + withoutTls.stderr, /did not advertise authentication/);
  assert.doesNotMatch(withoutTls.stdout, /^<- {2}235 /m, 'no login over plain text');
  assert.doesNotMatch(withoutTls.stdout, /queued as/);

  const listed = await until('the relayed message to be held', async () => {
    const list = await run(process.execPath, [CLI, 'queue', 'list', policy], 30_000);
    assert.equal(list.status, 0, list.output);
    return /no smart host configured/.test(list.output) ? list.output : false;
  });
  assert.match(listed, /someone@elsewhere\.example/);
  assert.match(listed, /demo@example\.test/);
  const queued = await run(process.execPath, [CLI, 'queue', 'list', policy, '--format', 'json'], 30_000);
  assert.equal((JSON.parse(queued.output) as unknown[]).length, 1, 'only the message sent over TLS was queued');

  // recipient validation: a name the demo mailboxes do not list is refused at RCPT, so no Maildir is made for it
  const unknown = await runTool(swaks, ['--server', `127.0.0.1:${inboundPort}`, '--from', 'friend@outside.example', '--to', 'someone@example.test', '--header', 'Subject: quickstart unknown'], { timeoutMs: 30_000 });
  assert.notEqual(unknown.status, 0, 'an unknown recipient is refused');
  assert.match(unknown.stdout, /<\*\* 550 5\.1\.1 <someone@example\.test>: Recipient address rejected: User unknown in local recipient table/);
  assert.equal(existsSync(join(home, 'var', 'mail', 'example.test', 'someone')), false, 'no Maildir for a made-up name');

  const inbound = await runTool(swaks, ['--server', `127.0.0.1:${inboundPort}`, '--from', 'friend@outside.example', '--to', 'alice@example.test', '--header', 'Subject: quickstart local'], { timeoutMs: 30_000 });
  assert.equal(inbound.status, 0, inbound.stdout + inbound.stderr);
  const mailbox = join(home, 'var', 'mail', 'example.test', 'alice', 'new');
  const files = await until('local delivery to var/mail', () => (existsSync(mailbox) && readdirSync(mailbox).length > 0 ? readdirSync(mailbox) : false));
  assert.equal(files.length, 1);
  assert.match(readFileSync(join(mailbox, files[0]!), 'utf8'), /^Subject: quickstart local$/m);

  quickstart.child.kill('SIGTERM');
  assert.deepEqual(await quickstart.exited, { code: 0, signal: null }, 'SIGTERM to npm start stops the server cleanly');
  assert.deepEqual(snapshot(join(REPO_ROOT, 'var')), developerVar, "the developer's var/ is untouched");
});

test('npm start refuses a malformed SMTPPOLICY_QUICKSTART_PORTS with a usage error, before it creates anything', { timeout: 60_000 }, async (t) => {
  await ensureBuilt(t);
  const { home } = quickstartHome(t);
  for (const value of ['3525,3587', '3525,3587,99999', '3525,3525,3465', 'a,b,c']) {
    const started = await run(process.execPath, [QUICKSTART], 30_000, { SMTPPOLICY_QUICKSTART_DIR: home, SMTPPOLICY_QUICKSTART_PORTS: value });
    assert.equal(started.status, 2, `${value}: ${started.output}`);
    assert.match(started.output, new RegExp(`SMTPPOLICY_QUICKSTART_PORTS='${value}': expected three different ports`));
  }
  assert.equal(existsSync(join(home, 'var', 'quickstart.passwd')), false, 'nothing was created');
});

test('npm start replaces an expired development certificate and keeps a valid one', { timeout: 120_000 }, async (t) => {
  await ensureBuilt(t);
  const { home } = quickstartHome(t);
  mkdirSync(join(home, 'var'));
  const certificatePath = join(home, 'var', 'dev-certificate.pem');
  const expired = await createSelfSignedCertificate({ dnsNames: ['mx.example.test', 'mail.example.test'], ipAddresses: ['127.0.0.1'], days: 1, now: new Date(Date.now() - 3 * 86_400_000) });
  writeFileSync(certificatePath, expired.certificatePem);
  writeFileSync(join(home, 'var', 'dev-key.pem'), expired.keyPem, { mode: 0o600 });
  const ports = `${await freePort()},${await freePort()},${await freePort()}`;
  const start = async () => {
    const quickstart = spawnNode(t, [QUICKSTART], { env: { SMTPPOLICY_QUICKSTART_DIR: home, SMTPPOLICY_QUICKSTART_PORTS: ports } });
    await quickstart.waitListening(3, 60_000);
    quickstart.child.kill('SIGTERM');
    assert.deepEqual(await quickstart.exited, { code: 0, signal: null });
    return { stderr: quickstart.stderr(), certificate: new X509Certificate(readFileSync(certificatePath)) };
  };
  const first = await start();
  assert.match(first.stderr, /the development certificate expired on .*: making a new one/);
  assert.ok(Date.parse(first.certificate.validTo) > Date.now(), 'the new certificate is valid');
  const second = await start();
  assert.doesNotMatch(second.stderr, /expired/);
  assert.equal(second.certificate.fingerprint256, first.certificate.fingerprint256, 'a valid certificate is kept');
});
