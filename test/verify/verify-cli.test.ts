// `smtppolicy verify` on the command line: usage errors exit 2 with one line naming the
// problem; a policy whose listeners no loopback source may reach still verifies what it can
// and says why it skipped the rest.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runServer, tempDir } from '../helpers/server-fixture.js';
import { makeRuntimeConfig, addressItems } from '../runtime/fixtures/config-builder.js';
import { runVerify } from './cli-harness.js';
import { freePort } from '../helpers/serve-process.js';

// A policy that compiles on any machine (no certificate files to find).
const POLICY_DIR = mkdtempSync(join(tmpdir(), 'smtppolicy-verify-cli-'));
const POLICY = join(POLICY_DIR, 'two-servers.smtppolicy');
writeFileSync(POLICY, [
  'server inbound {', '  listen 127.0.0.1:2525', '  hostname mx.example.test', '  local-domains example.test', '}',
  'server backup {', '  listen 127.0.0.1:2526', '  hostname mx2.example.test', '  local-domains example.test', '}', '',
].join('\n'));
after(() => rmSync(POLICY_DIR, { recursive: true, force: true }));

const usageCases: [string, string[], NodeJS.ProcessEnv, RegExp][] = [
  ['no file', [], {}, /expected exactly one policy or config file/],
  ['a user without a password source', [POLICY, '--user', 'demo@example.test'], {}, /--user needs --password-env VAR .*never from the command line/],
  ['a password variable that is not set', [POLICY, '--user', 'demo@example.test', '--password-env', 'NOT_SET'], {}, /NOT_SET .* is not set/],
  ['a malformed port map', [POLICY, '--port-map', '2525-3525'], {}, /--port-map expects FROM:TO .* found '2525-3525'/],
  ['a port out of range', [POLICY, '--port-map', '2525:70000'], {}, /--port-map expects FROM:TO with ports between 1 and 65535/],
  ['a source that is not an address', [POLICY, '--source', 'localhost'], {}, /--source expects an IP address, found 'localhost'/],
  ['an unknown format', [POLICY, '--format', 'xml'], {}, /unknown format 'xml'/],
  ['a timeout without a unit', [POLICY, '--timeout', '5'], {}, /--timeout: expected a duration .*add a unit/],
  ['an unknown server', [POLICY, '--server', 'nope'], {}, /no server named 'nope'; its servers: inbound, backup/],
  ['an unknown flag', [POLICY, '--password', 'secret'], {}, /Unknown option '--password'/],
  // 192.0.2.0/24 is TEST-NET-1: never an address of this machine
  ['a source this machine cannot send from', [POLICY, '--source', '192.0.2.1'], {}, /--source 192\.0\.2\.1: not an address of this machine \(EADDRNOTAVAIL\)/],
];

for (const [what, args, env, message] of usageCases) {
  test(`usage error: ${what}`, { timeout: 60_000 }, async () => {
    const result = await runVerify(args, env);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^smtppolicy verify: /);
    assert.match(result.stderr, message);
    assert.equal(result.stderr.trim().split('\n').length, 1);
    assert.equal(result.stdout, '');
  });
}

test('a server that cannot be reached at all is one clear error, exit 2, not a FAIL per probe', { timeout: 60_000 }, async () => {
  const [closedA, closedB] = [await freePort(), await freePort()];
  const result = await runVerify([POLICY, '--target', '127.0.0.1', '--port-map', `2525:${closedA}`, '--port-map', `2526:${closedB}`, '--format', 'json']);
  assert.equal(result.code, 2);
  assert.equal(result.stdout, '', 'no report of failed probes');
  assert.equal(result.stderr, `smtppolicy verify: cannot reach the server: 127.0.0.1:${closedA} (connection refused), 127.0.0.1:${closedB} (connection refused). Is it running there? (--target and --port-map say where to connect)\n`);
});

test("--help describes every option and exits 0", { timeout: 60_000 }, async () => {
  const result = await runVerify(['--help']);
  assert.equal(result.code, 0);
  for (const option of ['--server', '--target', '--port-map', '--source', '--user', '--password-env', '--format', '--timeout']) {
    assert.ok(result.stdout.includes(option), option);
  }
});

test('when no loopback source is admitted, the refusal is verified and every other probe says why it was skipped', { timeout: 30_000 }, async (t) => {
  const dir = tempDir(t);
  const config = makeRuntimeConfig({
    storageDir: dir,
    servers: [{ name: 'partners', connections: { mode: 'allow-list', entries: addressItems('198.51.100.0/24') }, localDomains: addressItems('example.test') as never }],
  });
  const running = await runServer(t, config, { dir });
  const configPath = join(dir, 'config.json');
  writeFileSync(configPath, JSON.stringify(config));
  const result = await runVerify([configPath, '--target', '127.0.0.1', '--port-map', `2525:${running.port()}`, '--format', 'json']);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const report = result.report!;
  const connect = report.probes.find((p) => p.id === 'partners/2525/connect/127.0.0.1')!;
  assert.equal(connect.status, 'pass');
  assert.match(connect.expected, /^refuse at CONNECT: 554 5\.7\.1 Access denied/);
  const entry = report.probes.find((p) => p.id === 'partners/2525/connect/entry/198.51.100.0/24')!;
  assert.equal(entry.status, 'skipped');
  assert.match(entry.reason!, /no address in 127\.0\.0\.0\/8/);
  const rest = report.probes.filter((p) => !p.id.includes('/connect/'));
  assert.ok(rest.length > 0);
  for (const probe of rest) {
    assert.equal(probe.status, 'skipped', probe.id);
    assert.match(probe.reason!, /no source address verify can choose is admitted by connection control \(tried 127\.0\.0\.1\)/);
  }
});
