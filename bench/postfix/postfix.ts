// A throw-away Postfix for the throughput comparisons: main.cf and master.cf written into a
// temp dir, queue and data directories inside it, smtpd on a loopback port. With
// `delivery: 'discard'` every message is accepted for relay by client address (as our bench
// policy does) and then thrown away by the `discard` transport (the accept-only figures);
// with `delivery: 'maildir'` mail for example.test is delivered by virtual(8) into the
// Maildir <dir>/mail/example.test/postmaster/ (the end-to-end figures). Nothing touches
// /etc/postfix or port 25.
//
// Postfix's master must run as root (it drops to mail_owner itself). Install Postfix with
// bench/postfix/install.sh, which also keeps the system's own Postfix service off.
//
// Usage as a script: node --import tsx bench/postfix/postfix.ts <port> [maildir]   (Ctrl-C stops it)

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const POSTFIX = '/usr/sbin/postfix';
export const SMTP_SOURCE = '/usr/sbin/smtp-source';

export interface PostfixOptions {
  port: number;
  /** Who may relay: the same networks as the smtppolicy bench policy's `relay { … }`. */
  mynetworks: string;
  /** What happens after the queue: thrown away (default), or virtual(8) Maildir delivery for example.test. */
  delivery?: 'discard' | 'maildir';
}

export interface RunningPostfix {
  port: number;
  dir: string;
  /** The mail log (postlogd), for diagnosing a failed run. */
  logFile: string;
  /** With `delivery: 'maildir'`: the Maildir every example.test recipient is delivered to. */
  maildir: string;
  stop(): Promise<void>;
}

/** Why Postfix cannot be run here, or undefined when it can. */
export function postfixUnavailable(): string | undefined {
  if (!existsSync(POSTFIX) || !existsSync(SMTP_SOURCE)) return 'Postfix is not installed: run bench/postfix/install.sh (as root)';
  if (process.getuid?.() !== 0) return "Postfix's master must be started as root";
  return undefined;
}

/**
 * virtual(8) Maildir delivery for example.test, as issue 19 measured it: every recipient of the
 * domain goes to one Maildir (the trailing `/` of the static map means Maildir), files owned
 * by the `postfix` user. virtual(8) fsyncs each message file before it renames it into new/.
 */
function maildirDelivery(dir: string, owner: { uid: number; gid: number }): string {
  return `virtual_mailbox_domains = example.test
virtual_transport = virtual
virtual_mailbox_base = ${dir}/mail
virtual_mailbox_maps = static:example.test/postmaster/
virtual_uid_maps = static:${owner.uid}
virtual_gid_maps = static:${owner.gid}
virtual_minimum_uid = 1
`;
}

function mainCf(dir: string, options: PostfixOptions, owner: { uid: number; gid: number }): string {
  return `# written by bench/postfix/postfix.ts for one benchmark run
compatibility_level = 3.6
queue_directory = ${dir}/queue
data_directory = ${dir}/data
mail_owner = postfix
setgid_group = postdrop
maillog_file = ${dir}/maillog
maillog_file_prefixes = ${dir}
myhostname = postfix.bench.example
mydomain = bench.example
myorigin = $myhostname
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = ${options.mynetworks}
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
smtpd_recipient_restrictions =
# Everything, wherever it is addressed, is accepted into the queue (fsynced, as Postfix
# always does) and then discarded (unless example.test is delivered below).
default_transport = discard
relay_transport = discard
local_transport = discard
${options.delivery === 'maildir' ? maildirDelivery(dir, owner) : 'virtual_transport = discard\n'}local_recipient_maps =
alias_maps =
alias_database =
biff = no
append_dot_mydomain = no
smtpd_tls_security_level = none
smtpd_sasl_auth_enable = no
smtputf8_enable = no
# 20 parallel sessions from one address must not be rate-limited.
smtpd_client_connection_count_limit = 0
smtpd_client_event_limit_exceptions = $mynetworks
default_process_limit = 200
`;
}

// Debian's services minus chroot (the temp dir is not a chroot jail) and minus the pipes.
function masterCf(port: number, delivery: PostfixOptions['delivery']): string {
  const services = [
    `127.0.0.1:${port} inet n - n - - smtpd`,
    'pickup unix n - n 60 1 pickup',
    'cleanup unix n - n - 0 cleanup',
    'qmgr unix n - n 300 1 qmgr',
    'rewrite unix - - n - - trivial-rewrite',
    'bounce unix - - n - 0 bounce',
    'defer unix - - n - 0 bounce',
    'trace unix - - n - 0 bounce',
    'verify unix - - n - 1 verify',
    'flush unix n - n 1000? 0 flush',
    'proxymap unix - - n - - proxymap',
    'showq unix n - n - - showq',
    'error unix - - n - - error',
    'retry unix - - n - - error',
    'discard unix - - n - - discard',
    'anvil unix - - n - 1 anvil',
    'scache unix - - n - 1 scache',
    'postlog unix-dgram n - n - 1 postlogd',
    ...(delivery === 'maildir' ? ['virtual unix - n n - - virtual'] : []),
  ];
  return `# written by bench/postfix/postfix.ts\n${services.join('\n')}\n`;
}

async function postfixIds(): Promise<{ uid: number; gid: number }> {
  const { stdout } = await run('id', ['postfix']);
  const uid = Number(/uid=(\d+)/.exec(stdout)?.[1]);
  const gid = Number(/gid=(\d+)/.exec(stdout)?.[1]);
  if (!Number.isInteger(uid) || !Number.isInteger(gid)) throw new Error(`no 'postfix' user: ${stdout}`);
  return { uid, gid };
}

/** Waits until something accepts connections on 127.0.0.1:port. */
export async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`Postfix did not listen on 127.0.0.1:${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function startPostfix(options: PostfixOptions): Promise<RunningPostfix> {
  const unavailable = postfixUnavailable();
  if (unavailable) throw new Error(unavailable);
  const dir = await mkdtemp(join(tmpdir(), 'smtppolicy-bench-postfix-'));
  const logFile = join(dir, 'maillog');
  // Postfix's daemons run as `postfix`: they must reach the queue, and own the data dir.
  await chmod(dir, 0o755);
  await mkdir(join(dir, 'queue'), { mode: 0o755 });
  await mkdir(join(dir, 'data'), { mode: 0o700 });
  const owner = userInfo({ encoding: 'utf8' }).uid === 0 ? await postfixIds() : { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
  await chown(join(dir, 'data'), owner.uid, owner.gid);
  // virtual(8) creates the Maildir below this as the mailbox owner
  await mkdir(join(dir, 'mail'), { mode: 0o755 });
  await chown(join(dir, 'mail'), owner.uid, owner.gid);
  await writeFile(join(dir, 'main.cf'), mainCf(dir, options, owner));
  await writeFile(join(dir, 'master.cf'), masterCf(options.port, options.delivery));
  const postfix = (...args: string[]) => run(POSTFIX, ['-c', dir, ...args], { timeout: 60_000 });
  const stop = async () => {
    await postfix('stop').catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    // `start` creates the queue directories with Postfix's own owners and modes.
    await postfix('start');
    await waitForPort(options.port, 15_000);
  } catch (error) {
    const log = await readFile(logFile, 'utf8').catch(() => '');
    await stop();
    const stderr = (error as { stderr?: string }).stderr ?? '';
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`could not start Postfix: ${reason}\n${stderr}${log.split('\n').slice(-15).join('\n')}`);
  }
  return { port: options.port, dir, logFile, maildir: join(dir, 'mail', 'example.test', 'postmaster'), stop };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const port = Number(process.argv[2] ?? 2526);
  const postfix = await startPostfix({ port, mynetworks: '127.0.0.0/8', delivery: process.argv[3] === 'maildir' ? 'maildir' : 'discard' });
  console.log(`Postfix listening on 127.0.0.1:${port} (config and queue in ${postfix.dir}); Ctrl-C stops it`);
  const stop = () => void postfix.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
