// `smtppolicy verify` against servers that do not do what the policy says: the probes
// that check the broken rules fail, by name, with the exchange that proves it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProbeResult } from '../../verify/index.js';
import { runVerify } from './cli-harness.js';
import { startPermissiveServer } from './permissive-server.js';
import { DEMO_PASSWORD, DEMO_USER, quickstartCopy } from './quickstart-fixture.js';

function byId(probes: ProbeResult[]): Map<string, ProbeResult> {
  return new Map(probes.map((p) => [p.id, p]));
}

test('a plain server that takes AUTH in clear text and relays for everyone fails the submission probes', { timeout: 60_000 }, async (t) => {
  const copy = await quickstartCopy(t);
  const port = await startPermissiveServer(t);
  const result = await runVerify(
    [copy.policy, '--server', 'submission', '--target', '127.0.0.1', '--port-map', `2587:${port}`, '--port-map', `2465:${port}`,
      '--user', DEMO_USER, '--password-env', 'PW', '--format', 'json'],
    { PW: DEMO_PASSWORD },
  );
  assert.equal(result.code, 1, result.stderr);
  const report = result.report!;
  assert.equal(report.server, 'submission');
  assert.ok(report.probes.every((p) => p.id.startsWith('submission/')), 'only the named server is probed');
  const probes = byId(report.probes);
  const failed = (id: string) => {
    const probe = probes.get(id);
    assert.ok(probe, `probe ${id} missing`);
    assert.equal(probe.status, 'fail', `${id}: ${probe.observed}`);
    assert.ok(probe.transcript && probe.transcript.length > 0, `${id} has a transcript`);
    assert.match(probe.source ?? '', /quickstart\.smtppolicy:\d+:\d+/);
    return probe;
  };
  assert.match(failed('submission/2587/tls/offered').observed, /STARTTLS not advertised/);
  assert.match(failed('submission/2587/auth/before-tls').observed, /AUTH LOGIN PLAIN/);
  const plain = failed('submission/2587/auth/plain-before-tls');
  assert.match(plain.observed, /AUTH PLAIN: 235/, 'the server took made-up credentials sent in clear');
  assert.ok(plain.transcript!.some((line) => line.startsWith('C: AUTH PLAIN <credentials of')), 'credentials are redacted in the transcript');
  assert.match(failed('submission/2587/relay/unauthenticated').observed, /MAIL: 250/);
  assert.match(failed('submission/2465/tls/offered').observed, /TLS|closed|handshake/i);
  // Nothing in the report gives the password away, in clear or base64.
  const plainAuth = Buffer.from(`\u0000${DEMO_USER}\u0000${DEMO_PASSWORD}`).toString('base64');
  assert.ok(!result.stdout.includes(DEMO_PASSWORD) && !result.stdout.includes(plainAuth));
});

test('relaying for everyone and admitting a denied address fail the inbound probes', { timeout: 60_000 }, async (t) => {
  const copy = await quickstartCopy(t);
  const port = await startPermissiveServer(t);
  const result = await runVerify([copy.policy, '--server', 'inbound', '--target', '127.0.0.1', '--port-map', `2525:${port}`, '--format', 'json']);
  assert.equal(result.code, 1);
  const report = result.report!;
  const relay = byId(report.probes).get('inbound/2525/relay/unauthenticated')!;
  assert.equal(relay.status, 'fail');
  assert.match(relay.expected, /554 5\.7\.1 .*Relay access denied/);
  assert.match(relay.observed, /RCPT <[^>]+>: 250/);
  // It takes mail for any local part: recipient validation, which the policy asks for, is missing.
  const unknown = byId(report.probes).get('inbound/2525/recipients/unknown/example.test')!;
  assert.equal(unknown.status, 'fail');
  assert.match(unknown.expected, /^refuse at RCPT: 550 5\.1\.1 <smtppolicy-verify-no-such-mailbox@example\.test>: Recipient address rejected: User unknown/);
  assert.match(unknown.observed, /RCPT <smtppolicy-verify-no-such-mailbox@example\.test>: 250/);
  // The quickstart denies one loopback address; this server greets it.
  const denied = report.probes.filter((p) => p.id.startsWith('inbound/2525/connect/') && /^refuse/.test(p.expected));
  assert.ok(denied.length > 0);
  for (const probe of denied) {
    assert.equal(probe.status, 'fail');
    assert.match(probe.observed, /greeting: 220/);
  }
  // Without credentials, the wrong-password probe of inbound is skipped (no AUTH in its policy), never silently passed.
  const pretty = await runVerify([copy.policy, '--server', 'inbound', '--target', '127.0.0.1', '--port-map', `2525:${port}`]);
  assert.equal(pretty.code, 1);
  assert.match(pretty.stdout, /^FAIL  inbound\/2525\/relay\/unauthenticated/m);
  assert.match(pretty.stdout, /transcript:/);
  assert.match(pretty.stdout, /C: RCPT TO:<smtppolicy-verify@example\.com>/);
  assert.match(pretty.stdout, /\d+ passed, \d+ failed, \d+ skipped\n$/);
});
