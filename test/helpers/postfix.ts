// A throw-away Postfix run from a temp directory: its own config_directory, queue, data
// directory and mail log inside it, listening where its master.cf says (loopback, ports
// above 1024). Nothing touches /etc/postfix or port 25. The benchmarks (bench/postfix/) and
// the tests of `compile --target postfix` (test/targets/postfix/) both start Postfix here;
// each writes its own main.cf and master.cf.
//
// Postfix's master must run as root (it drops to mail_owner itself). Debian's postfix
// package: bench/postfix/install.sh (or .ci/run) installs it without letting it configure
// itself as this machine's mail system.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const POSTFIX = '/usr/sbin/postfix';
export const SMTP_SOURCE = '/usr/sbin/smtp-source';

/** Why Postfix cannot be run here, or undefined when it can. */
export function postfixUnavailable(): string | undefined {
  if (!existsSync(POSTFIX)) return 'Postfix is not installed: run bench/postfix/install.sh (as root)';
  if (process.getuid?.() !== 0) return "Postfix's master must be started as root";
  return undefined;
}

export interface Owner {
  uid: number;
  gid: number;
}

/** The `postfix` user, which owns the data directory and (here) delivered mail. */
export async function postfixOwner(): Promise<Owner> {
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

/** The lines every Postfix started here appends to its main.cf: where its own files live. */
export function runtimeDirectories(dir: string): string {
  return `queue_directory = ${dir}/queue
data_directory = ${dir}/data
mail_owner = postfix
setgid_group = postdrop
maillog_file = ${dir}/maillog
maillog_file_prefixes = ${dir}
`;
}

export interface PostfixDirectory {
  dir: string;
  /** The mail log (postlogd), for diagnosing a failed run. */
  logFile: string;
  owner: Owner;
  /** `postfix -c DIR <args>`. */
  postfix(...args: string[]): Promise<{ stdout: string; stderr: string }>;
  /** The last lines of the mail log. */
  logTail(lines?: number): Promise<string>;
  remove(): Promise<void>;
}

/** A temp directory laid out for Postfix: queue and data directories with the owners Postfix wants. */
export async function postfixDirectory(prefix: string): Promise<PostfixDirectory> {
  const unavailable = postfixUnavailable();
  if (unavailable) throw new Error(unavailable);
  const dir = await mkdtemp(join(tmpdir(), prefix));
  // Postfix's daemons run as `postfix`: they must reach the queue, and own the data dir.
  await chmod(dir, 0o755);
  await mkdir(join(dir, 'queue'), { mode: 0o755 });
  await mkdir(join(dir, 'data'), { mode: 0o700 });
  const owner = await postfixOwner();
  await chown(join(dir, 'data'), owner.uid, owner.gid);
  const logFile = join(dir, 'maillog');
  return {
    dir,
    logFile,
    owner,
    postfix: (...args) => run(POSTFIX, ['-c', dir, ...args], { timeout: 60_000 }),
    logTail: async (lines = 15) => (await readFile(logFile, 'utf8').catch(() => '')).split('\n').slice(-lines).join('\n'),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Writes main.cf and master.cf into the directory (main.cf followed by runtimeDirectories). */
export async function writePostfixConfig(postfix: PostfixDirectory, mainCf: string, masterCf: string): Promise<void> {
  await writeFile(join(postfix.dir, 'main.cf'), `${mainCf}\n# where this temporary Postfix keeps its own files\n${runtimeDirectories(postfix.dir)}`);
  await writeFile(join(postfix.dir, 'master.cf'), masterCf);
}

/** An error with what Postfix said and the end of its log. */
export async function postfixFailure(postfix: PostfixDirectory, what: string, error: unknown): Promise<Error> {
  const stderr = (error as { stderr?: string }).stderr ?? '';
  const reason = error instanceof Error ? error.message : String(error);
  return new Error(`${what}: ${reason}\n${stderr}${await postfix.logTail()}`);
}
