// A real OpenSMTPD (Debian's 6.8) for the tests of `compile --target opensmtpd`. Debian's
// opensmtpd package conflicts with postfix (both are the mail-transport-agent), so
// scripts/install-opensmtpd.sh unpacks it into /opt/opensmtpd instead of installing it: the
// machine keeps Postfix and no service is started. /usr/sbin/smtpd is used where the
// package is installed the ordinary way.
//
// smtpd has fixed paths (its queue in /var/spool/smtpd, its control socket
// /var/run/smtpd.sock): only one can run on a machine, so one test file starts it, one
// policy at a time, and stops it before the next (6.8 cannot reload its configuration).
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { waitForPort } from './postfix.js';

const CANDIDATES = ['/opt/opensmtpd/usr/sbin/smtpd', '/usr/sbin/smtpd'];

/** smtpd's path, or null when it is not installed. */
export function opensmtpdPath(): string | null {
  return CANDIDATES.find((path) => existsSync(path)) ?? null;
}

/** Why OpenSMTPD cannot be run here, or undefined when it can. */
export function opensmtpdUnavailable(): string | undefined {
  if (opensmtpdPath() === null) return 'OpenSMTPD is not installed: run scripts/install-opensmtpd.sh (as root)';
  if (process.getuid?.() !== 0) return 'smtpd must be started as root (it drops privileges itself)';
  for (const user of ['opensmtpd', 'opensmtpq']) {
    try {
      execFileSync('id', [user], { stdio: 'ignore' });
    } catch {
      return `smtpd needs the system user '${user}': run scripts/install-opensmtpd.sh (as root)`;
    }
  }
  return undefined;
}

/**
 * Why this smtpd cannot complete a TLS handshake, or undefined. OpenSMTPD 6.8 signs in a
 * separate process through an engine that OpenSSL 3 bypasses: every handshake fails with
 * "missing private key" (OpenSMTPD issue #1171, fixed in 7.0). Debian 12 ships exactly that
 * build (6.8.0p2 on OpenSSL 3.0), so its STARTTLS and SMTPS cannot be proved with it.
 */
export function opensmtpdTlsDefect(): string | undefined {
  const smtpd = opensmtpdPath();
  if (smtpd === null) return undefined;
  const version = /OpenSMTPD (\S+)/.exec(spawnSync(smtpd, ['-h'], { encoding: 'utf8' }).stderr)?.[1] ?? '';
  const libraries = spawnSync('ldd', [smtpd], { encoding: 'utf8' }).stdout;
  if (version.startsWith('6.') && /libssl\.so\.3/.test(libraries)) {
    return `OpenSMTPD ${version} on OpenSSL 3 fails every TLS handshake ("missing private key", OpenSMTPD issue #1171, fixed in 7.0)`;
  }
  return undefined;
}

/** Checks a configuration with `smtpd -n`; throws with smtpd's own message when it refuses it. */
export function checkOpenSmtpdConfig(configPath: string): void {
  try {
    execFileSync(opensmtpdPath()!, ['-n', '-f', configPath], { stdio: 'pipe', encoding: 'utf8' });
  } catch (error) {
    const { stderr, stdout } = error as { stderr?: string; stdout?: string };
    throw new Error(`smtpd refused ${configPath}:\n${stderr ?? ''}${stdout ?? ''}`);
  }
}

/** One smtpd in the foreground (`-d`), its log kept for failure messages. */
export class OpenSmtpd {
  #child: ChildProcess | null = null;
  #log: string[] = [];

  /** Starts smtpd with `configPath` and waits until it listens on every port. */
  async start(configPath: string, ports: readonly number[]): Promise<void> {
    if (this.#child) throw new Error('smtpd is already running: stop it first (one per machine)');
    checkOpenSmtpdConfig(configPath);
    this.#log = [];
    const child = spawn(opensmtpdPath()!, ['-d', '-f', configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child = child;
    const keep = (data: Buffer) => this.#log.push(...String(data).split('\n').filter((line) => line !== ''));
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`smtpd exited (${code}) while starting:\n${this.logTail(30)}`))));
    const deadline = Date.now() + 10_000;
    try {
      await Promise.race([(async () => { for (const port of ports) await waitForPort(port, Math.max(0, deadline - Date.now())); })(), exited]);
    } catch (error) {
      await this.stop();
      throw error;
    }
    exited.catch(() => undefined);
  }

  /** The last `lines` lines smtpd logged. */
  logTail(lines: number): string {
    return this.#log.slice(-lines).join('\n');
  }

  /** Stops smtpd and waits for it to exit, so that the next one can take the queue and socket. */
  async stop(): Promise<void> {
    const child = this.#child;
    this.#child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exit;
    clearTimeout(timer);
  }
}
