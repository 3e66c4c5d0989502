// `smtppolicy verify` against the quickstart, served in-process the way `npm start` serves
// it: every probe that can run passes, and the article's checks are among them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runVerify } from './cli-harness.js';
import { DEMO_PASSWORD, DEMO_USER, portMapArgs, serveQuickstart } from './quickstart-fixture.js';

test('verify passes every probe against the quickstart it describes', { timeout: 60_000 }, async (t) => {
  const { copy, running } = await serveQuickstart(t);
  const result = await runVerify(
    [copy.policy, '--target', '127.0.0.1', ...portMapArgs(copy.config, running), '--user', DEMO_USER, '--password-env', 'VERIFY_PASSWORD', '--format', 'json'],
    { VERIFY_PASSWORD: DEMO_PASSWORD },
  );
  const report = result.report;
  assert.ok(report, `no JSON report: ${result.stderr}`);
  const failed = report.probes.filter((p) => p.status === 'fail');
  assert.deepEqual(failed.map((p) => `${p.id}: expected ${p.expected}; observed ${p.observed}`), []);
  assert.equal(result.code, 0);
  assert.equal(report.target, '127.0.0.1');
  assert.equal(report.summary.pass + report.summary.skipped, report.probes.length);

  const status = new Map(report.probes.map((p) => [p.id, p.status]));
  // The article's verification steps, each actually run (not skipped) and passed.
  for (const id of [
    'inbound/2525/connect/127.0.0.1',
    'inbound/2525/tls/offered',
    'inbound/2525/relay/unauthenticated',
    'inbound/2525/relay/local-domain',
    'inbound/2525/relay/bare-postmaster',
    'inbound/2525/recipients/unknown/example.test',
    'submission/2587/tls/handshake',
    'submission/2587/tls/certificate',
    'submission/2587/tls/min-version',
    'submission/2587/auth/before-tls',
    'submission/2587/auth/plain-before-tls',
    'submission/2587/auth/after-tls',
    'submission/2587/auth/login',
    'submission/2587/auth/wrong-password',
    'submission/2587/relay/unauthenticated',
    'submission/2587/relay/authenticated',
    'submission/2587/recipients/unknown/example.test',
    'submission/2465/tls/offered',
    'submission/2465/auth/login',
  ]) {
    assert.equal(status.get(id), 'pass', `${id} should have run and passed`);
  }
  // A refused client: the quickstart's deny-list entry, probed from inside it.
  const refused = report.probes.filter((p) => p.id.startsWith('inbound/2525/connect/') && /^refuse/.test(p.expected));
  assert.ok(refused.length > 0, 'a source inside the inbound deny-list was probed');
  for (const probe of refused) assert.match(probe.observed, /greeting: 5\d\d|closed/);
  // Skips say why, and every probe names the policy line it checks.
  for (const probe of report.probes) {
    if (probe.status === 'skipped') assert.ok(probe.reason && probe.reason.length > 10, `${probe.id} is skipped without a reason`);
    assert.match(probe.source ?? '', /quickstart\.smtppolicy:\d+:\d+$/, `${probe.id} has no policy source`);
  }
  const unknown = report.probes.find((p) => p.id === 'inbound/2525/recipients/unknown/example.test')!;
  assert.match(unknown.observed, /RCPT <smtppolicy-verify-no-such-mailbox@example\.test>: 550 5\.1\.1 /, 'recipient validation was probed on the wire');
  const handshake = report.probes.find((p) => p.id === 'submission/2587/tls/handshake')!;
  assert.match(handshake.observed, /TLSv1\.[23] \S+ \(\d+ bits\)/, 'the negotiated version and cipher are reported');
  assert.ok(!result.stdout.includes(DEMO_PASSWORD), 'the password never appears in the output');
});
