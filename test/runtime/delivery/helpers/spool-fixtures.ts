// Shared by the delivery tests: temp spools, envelopes, and a small tmpfs for "disk full".
import { mkdtemp, rm, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { spawnSync } from 'node:child_process';
import type { SpoolEnvelope } from '../../../../runtime/delivery/spool.js';

export async function makeTempDir(prefix: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), `smtppolicy-${prefix}-`));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export function makeEnvelope(overrides: Partial<SpoolEnvelope> = {}): SpoolEnvelope {
  return {
    server: 'inbound',
    receivedAt: new Date('2024-05-01T10:00:00Z').toISOString(),
    client: { address: '127.0.0.7', ptr: null, user: null, tls: null, helo: 'client.test' },
    mailFrom: 'sender@remote.test',
    recipients: [{ address: 'alice@example.test', route: 'local' }],
    ...overrides,
  };
}

export function messageText(subject: string, body = 'Hello.\r\n'): string {
  return `From: sender@remote.test\r\nTo: alice@example.test\r\nSubject: ${subject}\r\nMessage-ID: <${subject.replace(/\W/g, '')}@remote.test>\r\n\r\n${body}`;
}

export function streamOf(text: string | Buffer): Readable {
  return Readable.from([Buffer.from(text)]);
}

/** Every file under dir, relative, sorted: to prove what a failure left behind. */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(join(entry.parentPath ?? (entry as unknown as { path: string }).path, entry.name).slice(dir.length + 1));
  }
  return out.sort();
}

/**
 * Mounts a tmpfs of `size` at dir so that writes fail with ENOSPC, as a full disk does.
 * Returns null when this machine does not allow mounting (not root, or in a container
 * without the capability); the caller decides whether that is a failure.
 */
export function mountSmallTmpfs(dir: string, size: string): (() => void) | null {
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir], { encoding: 'utf8' });
  if (mounted.status !== 0) return null;
  return () => {
    spawnSync('umount', [dir]);
  };
}
