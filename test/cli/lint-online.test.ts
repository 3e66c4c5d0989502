// `smtppolicy lint --online` asks the policy's resolver (here dnsmasq on loopback) whether
// each server's hostname resolves to where it listens; plain `lint` never asks.
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startDnsmasq } from '../helpers/dnsmasq.js';
import { runCli } from './run-cli.js';

function policy(resolver: string): string {
  return [
    `resolver { servers ${resolver}  timeout 10s }`, // generous: a loaded CI machine must not turn an answer into "unreachable"
    'server good {',
    '  listen 127.25.9.1:25',
    '  hostname mail.good.test',
    '}',
    'server stale {',
    '  listen 127.25.9.3:25',
    '  hostname mail.stale.test',
    '}',
    '',
  ].join('\n');
}

test('lint --online warns about a hostname that does not resolve to its listener; plain lint does not look', { timeout: 60_000 }, async (t) => {
  const dns = await startDnsmasq(t, { hosts: { 'mail.good.test': ['127.25.9.1'], 'mail.stale.test': ['127.25.9.2'] } });
  if (!dns) return;
  t.after(() => dns.stop());
  const dir = await mkdtemp(join(tmpdir(), 'smtppolicy-online-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'policy.smtppolicy'), policy(dns.server));

  const online = await runCli(['lint', '--online', 'policy.smtppolicy'], { cwd: dir });
  assert.equal(online.code, 0, 'a warning does not fail lint');
  assert.match(online.stdout, /^policy\.smtppolicy:8:3 warning hostname 'mail\.stale\.test' of server 'stale' resolves to 127\.25\.9\.2 \(the resolver 127\.0\.0\.1:\d+\), not to an address the server listens on \(127\.25\.9\.3\)/m);
  assert.doesNotMatch(online.stdout, /mail\.good\.test/);
  assert.equal(online.stderr, '');

  const offline = await runCli(['lint', 'policy.smtppolicy'], { cwd: dir });
  assert.deepEqual(offline, { code: 0, stdout: '', stderr: '' });
});

test('lint --online says on stderr which names it could not check when the resolver does not answer', { timeout: 60_000 }, async (t) => {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  const port = socket.address().port;
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  const dir = await mkdtemp(join(tmpdir(), 'smtppolicy-online-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'policy.smtppolicy'), policy(`127.0.0.1:${port}`));

  const result = await runCli(['lint', '--online', 'policy.smtppolicy'], { cwd: dir });
  assert.equal(result.code, 0);
  assert.equal(result.stdout, '');
  assert.match(result.stderr, /^smtppolicy lint --online: mail\.good\.test could not be checked: A lookup for mail\.good\.test failed: E[A-Z]+$/m);
  assert.match(result.stderr, /^smtppolicy lint --online: mail\.stale\.test could not be checked: /m);
});
