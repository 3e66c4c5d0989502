// verify's wrong-password probe is a failed login, and servers throttle those: runs within
// the auth-failure window add up until the server answers AUTH with 421. verify recognises
// that as the throttle (skipped, with the reason and what to do), never as a failed check.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { plainCopy } from '../../runtime/config/index.js';
import { runServer } from '../helpers/server-fixture.js';
import type { VerifyReport } from '../../verify/index.js';
import { runVerify } from './cli-harness.js';
import { DEMO_PASSWORD, DEMO_USER, portMapArgs, quickstartCopy } from './quickstart-fixture.js';

test('repeated verify runs inside the auth-failure window report the throttle, never a false FAIL', { timeout: 120_000 }, async (t) => {
  const copy = await quickstartCopy(t);
  const config = plainCopy(copy.config);
  // two failed logins lock an address out: the second run's wrong-password probe reaches it
  for (const server of config.servers) server.limits.authFailures = 2;
  const running = await runServer(t, config, { baseDir: copy.baseDir, dir: copy.dir });
  const configFile = join(copy.baseDir, 'throttled.json');
  await writeFile(configFile, JSON.stringify(config));
  const args = [configFile, '--target', '127.0.0.1', ...portMapArgs(config, running), '--user', DEMO_USER, '--password-env', 'VERIFY_PASSWORD', '--format', 'json'];

  const runs: VerifyReport[] = [];
  for (let run = 1; run <= 3; run++) {
    const result = await runVerify(args, { VERIFY_PASSWORD: DEMO_PASSWORD });
    assert.ok(result.report, result.stderr);
    const failed = result.report.probes.filter((p) => p.status === 'fail');
    assert.deepEqual(failed.map((p) => `run ${run}: ${p.id}: expected ${p.expected}; observed ${p.observed}`), []);
    assert.equal(result.code, 0);
    runs.push(result.report);
  }
  const wrong = (report: VerifyReport) => report.probes.find((p) => p.id === 'submission/2587/auth/wrong-password')!;
  assert.equal(wrong(runs[0]!).status, 'pass', 'the first run checks the 535');
  for (const report of runs.slice(1)) {
    const throttled = report.probes.filter((p) => p.status === 'skipped' && /throttling logins from 127\.0\.0\.1/.test(p.reason ?? ''));
    assert.ok(throttled.some((p) => p.id === 'submission/2587/auth/wrong-password'), JSON.stringify(report.probes.map((p) => [p.id, p.status, p.reason])));
    assert.match(throttled[0]!.reason!, /421 4\.7\.0 .*too many failed authentication attempts.*locks out after 2.*earlier runs count too/);
  }
  // by the third run the address is locked out: the logins say so too, instead of failing
  assert.ok(['submission/2587/auth/login', 'submission/2587/relay/authenticated'].every((id) => runs[2]!.probes.find((p) => p.id === id)?.status === 'skipped'));
});
