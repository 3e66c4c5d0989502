// `npm start` as a newcomer meets it: scripts/quickstart.mjs on the built package, first
// start in an empty var/ (certificate and demo user created), then the README's trials with
// swaks and `smtppolicy queue`. It runs in a temp copy (SMTPPOLICY_QUICKSTART_DIR) so the
// developer's var/ is never touched. The quickstart's ports are fixed: when one is busy
// (say, the developer's own `npm start`), the test fails and says so.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { tempDir } from './helpers/server-fixture.js';
import { REPO_ROOT, spawnNode } from './helpers/serve-process.js';
import { requireSwaks, runTool } from './helpers/tools.js';

const PORTS = [2525, 2587, 2465];
/** The built command, as package.json's bin names it (what `npm start` runs). */
const CLI = join(REPO_ROOT, JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).bin.smtppolicy as string);

async function assertPortFree(port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(new Error(`127.0.0.1:${port} is busy (${error.code}): the quickstart needs ports ${PORTS.join(', ')}; stop whatever uses it (a running \`npm start\`?) and run the test again`)));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
  });
}

function run(command: string, args: string[], timeoutMs: number): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
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

test('npm start: submission needs TLS and the demo login, relayed mail waits in the queue, local mail lands in var/mail', { timeout: 300_000 }, async (t) => {
  const swaks = requireSwaks(t, 'TLS', 'Basic AUTH');
  if (!swaks) return;
  for (const port of PORTS) await assertPortFree(port);
  await ensureBuilt(t);
  const developerVar = snapshot(join(REPO_ROOT, 'var'));

  const home = tempDir(t, 'smtppolicy-quickstart-');
  mkdirSync(join(home, 'examples'));
  const policy = join(home, 'examples', 'quickstart.smtppolicy');
  copyFileSync(join(REPO_ROOT, 'examples', 'quickstart.smtppolicy'), policy);
  const quickstart = spawnNode(t, [join(REPO_ROOT, 'scripts', 'quickstart.mjs')], { env: { SMTPPOLICY_QUICKSTART_DIR: home } });
  const ports = await quickstart.waitListening(3, 60_000);
  assert.deepEqual([...ports].sort(), [...PORTS].sort());
  assert.ok(existsSync(join(home, 'var', 'dev-certificate.pem')) && existsSync(join(home, 'var', 'dev-key.pem')), 'first start creates the development certificate');
  assert.match(readFileSync(join(home, 'var', 'quickstart.passwd'), 'utf8'), /^demo@example\.test:/m, 'first start creates the demo user');
  assert.ok(quickstart.logs.some((l) => l.event === 'dev-certificate'), 'the certificate creation is logged');

  const submit = (tls: boolean) => runTool(swaks, [
    '--server', '127.0.0.1:2587', ...(tls ? ['--tls'] : []), '--auth-user', 'demo@example.test', '--auth-password', 'demo-password',
    '--from', 'demo@example.test', '--to', 'someone@elsewhere.example', '--header', 'Subject: quickstart relay',
  ], { timeoutMs: 30_000 });
  const withTls = await submit(true);
  assert.equal(withTls.status, 0, withTls.stdout + withTls.stderr);
  assert.match(withTls.stdout, /<~ {2}235 /, 'the demo user logs in after STARTTLS');
  assert.match(withTls.stdout, /<~ {2}250 2\.0\.0 Ok: queued as /);
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

  const inbound = await runTool(swaks, ['--server', '127.0.0.1:2525', '--from', 'friend@outside.example', '--to', 'someone@example.test', '--header', 'Subject: quickstart local'], { timeoutMs: 30_000 });
  assert.equal(inbound.status, 0, inbound.stdout + inbound.stderr);
  const mailbox = join(home, 'var', 'mail', 'example.test', 'someone', 'new');
  const files = await until('local delivery to var/mail', () => (existsSync(mailbox) && readdirSync(mailbox).length > 0 ? readdirSync(mailbox) : false));
  assert.equal(files.length, 1);
  assert.match(readFileSync(join(mailbox, files[0]!), 'utf8'), /^Subject: quickstart local$/m);

  quickstart.child.kill('SIGTERM');
  assert.deepEqual(await quickstart.exited, { code: 0, signal: null }, 'SIGTERM to npm start stops the server cleanly');
  assert.deepEqual(snapshot(join(REPO_ROOT, 'var')), developerVar, "the developer's var/ is untouched");
});
