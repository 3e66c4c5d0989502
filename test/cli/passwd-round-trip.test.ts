// Every `smtppolicy passwd` mode, as an administrator uses it: the real command writes the
// password file (one user per mode, each with the commands that mode needs), `lint` finds
// nothing in it, `serve` starts on it, and each user logs in over the wire with exactly the
// mechanisms their secrets allow, with real clients: swaks (PLAIN, LOGIN, CRAM-MD5; it has
// no XOAUTH2) and nodemailer (all four, XOAUTH2 with the token passwd printed). A login the
// user has no secret for must fail with 535, so a mode that wrote too much fails too.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer, { type TransportOptions } from 'nodemailer';
import { createSelfSignedCertificate } from '../../runtime/smtp/self-signed-certificate.js';
import { tempDir } from '../helpers/server-fixture.js';
import { freePort, spawnCli } from '../helpers/serve-process.js';
import { requireSwaks, runTool } from '../helpers/tools.js';
import { runCli } from './run-cli.js';

type Mechanism = 'PLAIN' | 'LOGIN' | 'CRAM-MD5' | 'XOAUTH2';
const MECHANISMS: readonly Mechanism[] = ['PLAIN', 'LOGIN', 'CRAM-MD5', 'XOAUTH2'];

interface Mode {
  user: string;
  /** passwd invocations in order: flags, and the password fed on stdin (none for --token and --remove). */
  steps: { flags: string[]; password?: string }[];
  /** The password the user logs in with afterwards. */
  password: string;
  /** Mechanisms that must log in; every other one must be refused with 535. */
  works: Mechanism[];
  /** A password that must no longer work with PLAIN or CRAM-MD5 (a changed one). */
  stale?: string;
}

const PW = 'first-password';
const NEW_PW = 'second-password';
const MODES: Mode[] = [
  { user: 'scrypt@example.test', steps: [{ flags: [], password: PW }], password: PW, works: ['PLAIN', 'LOGIN'] },
  { user: 'cram@example.test', steps: [{ flags: ['--cram-md5'], password: PW }], password: PW, works: ['PLAIN', 'LOGIN', 'CRAM-MD5'] },
  { user: 'token@example.test', steps: [{ flags: ['--token'] }], password: PW, works: ['XOAUTH2'] },
  { user: 'password-token@example.test', steps: [{ flags: [], password: PW }, { flags: ['--token'] }], password: PW, works: ['PLAIN', 'LOGIN', 'XOAUTH2'] },
  { user: 'everything@example.test', steps: [{ flags: ['--cram-md5'], password: PW }, { flags: ['--token'] }], password: PW, works: MECHANISMS.slice() },
  {
    user: 'changed@example.test', steps: [{ flags: ['--cram-md5'], password: PW }, { flags: [], password: NEW_PW }],
    password: NEW_PW, works: ['PLAIN', 'LOGIN', 'CRAM-MD5'], stale: PW,
  },
  {
    user: 'no-password@example.test', steps: [{ flags: ['--cram-md5'], password: PW }, { flags: ['--token'] }, { flags: ['--remove', '--password'] }],
    password: PW, works: ['CRAM-MD5', 'XOAUTH2'],
  },
  { user: 'no-cram@example.test', steps: [{ flags: ['--cram-md5'], password: PW }, { flags: ['--remove', '--cram-md5'] }], password: PW, works: ['PLAIN', 'LOGIN'] },
  { user: 'no-token@example.test', steps: [{ flags: [], password: PW }, { flags: ['--token'] }, { flags: ['--remove', '--token'] }], password: PW, works: ['PLAIN', 'LOGIN'] },
  { user: 'removed@example.test', steps: [{ flags: [], password: PW }, { flags: ['--token'] }, { flags: ['--remove'] }], password: PW, works: [] },
];

/** Each session from its own loopback address, so that failed-login throttling never mixes them up. */
let nextAddress = 0;
function sourceAddress(): string {
  nextAddress++;
  return `127.61.${Math.floor(nextAddress / 250)}.${(nextAddress % 250) + 1}`;
}

/** Runs the modes' passwd steps in dir; returns the last token printed for each user. */
async function writeUsers(dir: string): Promise<Map<string, string>> {
  const tokens = new Map<string, string>();
  for (const mode of MODES) {
    for (const step of mode.steps) {
      const result = await runCli(['passwd', ...step.flags, 'users.passwd', mode.user], { cwd: dir, stdin: step.password === undefined ? '' : `${step.password}\n` });
      assert.equal(result.code, 0, `passwd ${step.flags.join(' ')} ${mode.user}: ${result.stderr}`);
      if (step.flags.includes('--token') && !step.flags.includes('--remove')) tokens.set(mode.user, result.stdout.trim());
    }
  }
  return tokens;
}

async function writePolicy(dir: string, port: number): Promise<void> {
  const certificate = await createSelfSignedCertificate({ dnsNames: ['mail.example.test'], ipAddresses: ['127.0.0.1'] });
  writeFileSync(join(dir, 'server.crt'), certificate.certificatePem);
  writeFileSync(join(dir, 'server.key'), certificate.keyPem, { mode: 0o600 });
  writeFileSync(join(dir, 'policy.smtppolicy'), `users staff file "users.passwd"

storage {
  spool "var/spool"
  maildir "var/mail"
}

server submission {
  listen 127.0.0.1:${port}
  hostname mail.example.test
  tls {
    certificate "server.crt"
    key "server.key"
    require
  }
  auth {
    basic users staff
    challenge-response users staff
    token users staff
  }
  relay { authenticated }
  local-domains example.test
  recipients example.test {
    mailboxes users staff # the users passwd wrote are addresses in the domain
  }
}
`);
}

type Outcome = { loggedIn: true } | { loggedIn: false; reply: string };

async function nodemailerLogin(port: number, user: string, mechanism: Mechanism, secret: string): Promise<Outcome> {
  const auth = mechanism === 'XOAUTH2' ? { type: 'OAuth2', user, accessToken: secret } : { user, pass: secret, method: mechanism };
  const transport = nodemailer.createTransport({
    host: '127.0.0.1', port, secure: false, requireTLS: true, localAddress: sourceAddress(), tls: { rejectUnauthorized: false },
    auth, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 10_000,
  } as TransportOptions);
  try {
    await transport.verify();
    return { loggedIn: true };
  } catch (error) {
    return { loggedIn: false, reply: (error as { response?: string }).response ?? String(error) };
  } finally {
    transport.close();
  }
}

async function swaksLogin(swaks: string, port: number, user: string, mechanism: Mechanism, password: string): Promise<Outcome> {
  const result = await runTool(swaks, ['--server', `127.0.0.1:${port}`, '--local-interface', sourceAddress(), '--tls',
    '--auth', mechanism, '--auth-user', user, '--auth-password', password, '--quit-after', 'AUTH', '--timeout', '10'], { timeoutMs: 30_000 });
  // swaks marks what it receives inside TLS with '<~' and errors with '<~*'
  if (result.status === 0 && /^<~ {2}235 /m.test(result.stdout)) return { loggedIn: true };
  return { loggedIn: false, reply: /^<~\* +(.*)$/m.exec(result.stdout)?.[1] ?? `swaks exited ${result.status}: ${result.stdout}${result.stderr}` };
}

function assertOutcome(outcome: Outcome, shouldLogIn: boolean, what: string): void {
  if (shouldLogIn) {
    assert.deepEqual(outcome, { loggedIn: true }, `${what} must log in`);
  } else {
    assert.equal(outcome.loggedIn, false, `${what} must be refused`);
    assert.match((outcome as { reply: string }).reply, /^535 5\.7\.8 /, `${what} is refused as a failed login`);
  }
}

test('every passwd mode round-trips: written by passwd, lint-clean, served, and the login works over the wire (swaks, nodemailer)', { timeout: 240_000 }, async (t: TestContext) => {
  const swaks = requireSwaks(t, 'TLS', 'Basic AUTH', 'AUTH CRAM-MD5');
  if (!swaks) return;
  const dir = tempDir(t, 'smtppolicy-passwd-round-trip-');
  const tokens = await writeUsers(dir);
  const port = await freePort();
  await writePolicy(dir, port);

  const lint = await runCli(['lint', 'policy.smtppolicy', '--format', 'json'], { cwd: dir });
  assert.deepEqual(JSON.parse(lint.stdout).diagnostics, [], 'lint finds nothing in a password file passwd wrote');
  assert.equal(lint.code, 0, lint.stderr);

  const server = spawnCli(t, ['serve', 'policy.smtppolicy'], { cwd: dir });
  await server.waitListening(1);

  for (const mode of MODES) {
    await t.test(`${mode.user}: passwd ${mode.steps.map((s) => s.flags.join(' ') || '(password)').join(', then ')}`, async () => {
      const token = tokens.get(mode.user) ?? 'no-token-was-made-for-this-user-AAAAAAAAAAAAAAA';
      // every session of a mode at once (each from its own address): failed logins are slowed on purpose
      const checks: Promise<void>[] = [];
      const check = (what: string, shouldLogIn: boolean, login: Promise<Outcome>) => checks.push(login.then((outcome) => assertOutcome(outcome, shouldLogIn, what)));
      for (const mechanism of MECHANISMS) {
        const secret = mechanism === 'XOAUTH2' ? token : mode.password;
        const works = mode.works.includes(mechanism);
        check(`nodemailer ${mechanism} as ${mode.user}`, works, nodemailerLogin(port, mode.user, mechanism, secret));
        // swaks confirms what works; refusals are checked once, with nodemailer: more than the
        // throttle's limit of failures at one user puts the user under attack (421, by design)
        if (mechanism !== 'XOAUTH2' && works) check(`swaks ${mechanism} as ${mode.user}`, works, swaksLogin(swaks, port, mode.user, mechanism, secret));
      }
      for (const mechanism of mode.stale === undefined ? [] : ['PLAIN', 'CRAM-MD5'] as const) {
        check(`nodemailer ${mechanism} with the old password of ${mode.user}`, false, nodemailerLogin(port, mode.user, mechanism, mode.stale!));
      }
      await Promise.all(checks);
    });
  }
  assert.equal(server.stderr(), '', 'serve wrote nothing to stderr');
});
