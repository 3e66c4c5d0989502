// Shared pieces of the protocol-abuse tests: a server with one local domain, a raw
// transaction opener, and readers for what the server stored (spool, Maildir) and logged.
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { makeRuntimeConfig, domainItem, type ServerConfigOverrides, type RuntimeConfigOverrides } from '../../runtime/fixtures/config-builder.js';
import type { RuntimeConfig } from '../../../runtime/config/types.js';
import type { StoredEnvelope } from '../../../runtime/delivery/spool.js';
import { runServer, tempDir, type RunningServer } from '../../helpers/server-fixture.js';
import { RawSmtpClient } from '../../helpers/smtp-client.js';

export const LOCAL_DOMAIN = 'example.test';

/** One server, mail for example.test delivered locally, storage in `dir`. */
export function abuseConfig(dir: string, server: ServerConfigOverrides = {}, rest: RuntimeConfigOverrides = {}): RuntimeConfig {
  return makeRuntimeConfig({ storageDir: dir, ...rest, servers: [{ localDomains: [domainItem(LOCAL_DOMAIN)], ...server }] });
}

export async function startAbuseServer(t: TestContext, server: ServerConfigOverrides = {}, options: { delivery?: boolean; rest?: RuntimeConfigOverrides } = {}): Promise<RunningServer> {
  const dir = tempDir(t, 'smtppolicy-abuse-');
  return runServer(t, abuseConfig(dir, server, options.rest), { dir, delivery: options.delivery ?? false });
}

/** Connected, greeted, EHLO done, MAIL and one RCPT accepted. */
export async function openTransaction(t: TestContext, port: number, localAddress = '127.0.0.40', rcpt = `user@${LOCAL_DOMAIN}`): Promise<RawSmtpClient> {
  const client = await RawSmtpClient.connect({ port, localAddress });
  t.after(() => client.close());
  assert.equal((await client.read())?.code, 220);
  assert.equal((await client.command('EHLO client.example'))?.code, 250);
  assert.equal((await client.command('MAIL FROM:<sender@outside.example>'))?.code, 250);
  assert.equal((await client.command(`RCPT TO:<${rcpt}>`))?.code, 250);
  return client;
}

export interface SpooledMessage {
  envelope: StoredEnvelope;
  text: string;
}

/** Every message waiting in the spool, with its envelope and its bytes as latin1 text. */
export async function spooled(running: RunningServer): Promise<SpooledMessage[]> {
  const spool = running.handle.spool;
  const messages: SpooledMessage[] = [];
  for (const id of await spool.ids()) {
    messages.push({ envelope: await spool.readEnvelope(id), text: (await spool.readMessage(id)).toString('latin1') });
  }
  return messages;
}

/** Every file below `dir`, as paths relative to it. */
export async function filesBelow(dir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (relative: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(join(dir, relative), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(path);
      else found.push(path);
    }
  };
  await walk('');
  return found.sort();
}

/** Polls until `check` is true or the deadline passes (then fails with `what`). */
export async function waitUntil(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Log values that hold a raw control character (CR, LF, NUL, ESC…) or an unpaired UTF-16
 * surrogate: what a client sent must reach the log escaped, so that no one can forge a log
 * line or a terminal escape through a field. pino's JSON would escape CR LF on its own;
 * this checks the values themselves, which other sinks (pino-pretty, syslog) print raw.
 */
export function rawControlInLogs(running: RunningServer): string[] {
  const offending: string[] = [];
  const visit = (value: unknown, path: string): void => {
    if (typeof value === 'string') {
      // eslint-disable-next-line no-control-regex
      if (/[\x00-\x1f\x7f]/.test(value) || /\p{Cs}/u.test(value)) offending.push(`${path}=${JSON.stringify(value)}`);
    } else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) visit(v, `${path}.${k}`);
    }
  };
  running.logs.forEach((line, i) => visit(line, `log[${i}]`));
  return offending;
}
