// examples/systemd/smtppolicy.service: systemd itself reads it (`systemd-analyze verify`, where any
// warning counts: an unknown key or a bad value is only a warning there, and the service
// would start without that hardening), and docs/deployment.md shows it as it is.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/serve-process.js';
import { tempDir } from '../helpers/server-fixture.js';
import { requireTool, runTool } from '../helpers/tools.js';
import { pageBlock } from './helpers/deployment-doc.js';

const UNIT = readFileSync(join(REPO_ROOT, 'examples/systemd/smtppolicy.service'), 'utf8');
const INSTALLED_AT = '/usr/local/bin/smtppolicy';

/** Runs `systemd-analyze verify` on `text` saved as smtppolicy.service; its whole output. */
async function verify(t: TestContext, systemdAnalyze: string, text: string): Promise<{ status: number | null; output: string }> {
  const dir = tempDir(t, 'smtppolicy-unit-');
  const path = join(dir, 'smtppolicy.service');
  await writeFile(path, text);
  const result = await runTool(systemdAnalyze, ['verify', path], { timeoutMs: 30_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}`.trim() };
}

/**
 * verify also checks that ExecStart's program exists and is executable: the unit names where
 * `npm install -g` puts the command, so the check runs the unit with the command this
 * checkout builds (dist/bin/smtppolicy.js, the file that `bin` installs) in its place.
 */
function withThisCheckout(unit: string): string {
  assert.ok(unit.includes(`ExecStart=${INSTALLED_AT} serve `), `the unit runs ${INSTALLED_AT} serve`);
  return unit.replaceAll(INSTALLED_AT, join(REPO_ROOT, 'dist/bin/smtppolicy.js'));
}

test('systemd-analyze verify accepts examples/systemd/smtppolicy.service without a warning', async (t) => {
  const systemdAnalyze = requireTool(t, 'systemd-analyze', 'systemd');
  if (!systemdAnalyze) return;
  const { status, output } = await verify(t, systemdAnalyze, withThisCheckout(UNIT));
  assert.equal(output, '', 'systemd-analyze verify has nothing to say about the unit');
  assert.equal(status, 0);
});

test('the check fails on a unit systemd would half-ignore (so the test above can fail)', async (t) => {
  const systemdAnalyze = requireTool(t, 'systemd-analyze', 'systemd');
  if (!systemdAnalyze) return;
  const misspelt = withThisCheckout(UNIT).replace('ProtectSystem=strict', 'ProtectSystem=strikt');
  const { output } = await verify(t, systemdAnalyze, misspelt);
  assert.match(output, /protect system value.*strikt/i);
});

test('the unit hardens, drains on stop and reloads on SIGHUP as docs/deployment.md says', () => {
  const settings = new Map<string, string[]>();
  for (const line of UNIT.split('\n')) {
    const match = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (match) settings.set(match[1]!, [...(settings.get(match[1]!) ?? []), match[2]!]);
  }
  const one = (key: string) => settings.get(key)?.join(' ');
  assert.equal(one('CapabilityBoundingSet'), 'CAP_NET_BIND_SERVICE', 'port 25, and no other capability');
  assert.equal(one('AmbientCapabilities'), 'CAP_NET_BIND_SERVICE');
  assert.equal(one('NoNewPrivileges'), 'yes');
  assert.equal(one('ProtectSystem'), 'strict');
  assert.equal(one('User'), 'smtppolicy');
  assert.equal(one('ExecReload'), '/bin/kill -HUP $MAINPID');
  assert.equal(one('KillSignal'), 'SIGTERM');
  // the stop timeout covers the drain the command is given, and the 2 s a delivery in progress may take
  const drain = Number(/--drain-timeout (\d+)/.exec(one('ExecStart') ?? '')?.[1]);
  assert.ok(Number(one('TimeoutStopSec')) > drain + 2, `TimeoutStopSec ${one('TimeoutStopSec')} covers --drain-timeout ${drain}`);
  // the spool and the maildir root of the page's policy are the writable paths
  const policy = pageBlock('smtppolicy');
  const writable = (one('ReadWritePaths') ?? '').split(' ');
  for (const [, dir] of policy.matchAll(/^\s*(?:spool|maildir) "([^"]+)"/gm)) assert.ok(writable.includes(dir!), `${dir} is writable`);
  assert.equal(settings.get('MemoryDenyWriteExecute'), undefined, "V8's JIT needs writable, executable memory");
});

test('docs/deployment.md shows examples/systemd/smtppolicy.service as it is', () => {
  assert.equal(pageBlock('ini'), UNIT);
});
