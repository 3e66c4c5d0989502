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

import { chown, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { postfixDirectory, postfixFailure, postfixUnavailable as postfixNotRunnable, SMTP_SOURCE, waitForPort, writePostfixConfig, type Owner } from '../../test/helpers/postfix.js';

// The process handling is shared with the tests of `compile --target postfix`.
export { POSTFIX, SMTP_SOURCE, waitForPort } from '../../test/helpers/postfix.js';

/** Why the Postfix comparisons cannot run here (they also need Postfix's smtp-source), or undefined. */
export function postfixUnavailable(): string | undefined {
  if (!existsSync(SMTP_SOURCE)) return 'smtp-source is not installed: run bench/postfix/install.sh (as root)';
  return postfixNotRunnable();
}

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

/**
 * virtual(8) Maildir delivery for example.test, as issue 19 measured it: every recipient of the
 * domain goes to one Maildir (the trailing `/` of the static map means Maildir), files owned
 * by the `postfix` user. virtual(8) fsyncs each message file before it renames it into new/.
 */
function maildirDelivery(dir: string, owner: Owner): string {
  return `virtual_mailbox_domains = example.test
virtual_transport = virtual
virtual_mailbox_base = ${dir}/mail
virtual_mailbox_maps = static:example.test/postmaster/
virtual_uid_maps = static:${owner.uid}
virtual_gid_maps = static:${owner.gid}
virtual_minimum_uid = 1
`;
}

function mainCf(dir: string, options: PostfixOptions, owner: Owner): string {
  return `# written by bench/postfix/postfix.ts for one benchmark run
compatibility_level = 3.6
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

export async function startPostfix(options: PostfixOptions): Promise<RunningPostfix> {
  const unavailable = postfixUnavailable();
  if (unavailable) throw new Error(unavailable);
  const postfix = await postfixDirectory('smtppolicy-bench-postfix-');
  const { dir, owner } = postfix;
  // virtual(8) creates the Maildir below this as the mailbox owner
  await mkdir(join(dir, 'mail'), { mode: 0o755 });
  await chown(join(dir, 'mail'), owner.uid, owner.gid);
  await writePostfixConfig(postfix, mainCf(dir, options, owner), masterCf(options.port, options.delivery));
  const stop = async () => {
    await postfix.postfix('stop').catch(() => undefined);
    await postfix.remove();
  };
  try {
    // `start` creates the queue directories with Postfix's own owners and modes.
    await postfix.postfix('start');
    await waitForPort(options.port, 15_000);
  } catch (error) {
    const failure = await postfixFailure(postfix, 'could not start Postfix', error);
    await stop();
    throw failure;
  }
  return { port: options.port, dir, logFile: postfix.logFile, maildir: join(dir, 'mail', 'example.test', 'postmaster'), stop };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const port = Number(process.argv[2] ?? 2526);
  const postfix = await startPostfix({ port, mynetworks: '127.0.0.0/8', delivery: process.argv[3] === 'maildir' ? 'maildir' : 'discard' });
  console.log(`Postfix listening on 127.0.0.1:${port} (config and queue in ${postfix.dir}); Ctrl-C stops it`);
  const stop = () => void postfix.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
