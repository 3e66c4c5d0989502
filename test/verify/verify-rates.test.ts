// verify's message-rate probe: against the real server with a small `message-rate-per-address`
// it sees the policy's 450 4.7.1 within N + 1 MAIL commands (pass); against a server without
// the limit (a permissive one) it sees every MAIL accepted (fail); a limit too large to reach
// quickly is skipped with the reason.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RateLimitConfig } from '../../runtime/config/types.js';
import { verifyServers, type ProbeResult, type VerifyReport } from '../../verify/index.js';
import { runServer, tempDir } from '../helpers/server-fixture.js';
import { makeRuntimeConfig } from '../runtime/fixtures/config-builder.js';
import { startPermissiveServer } from './permissive-server.js';

function config(dir: string, count: number) {
  const rate: RateLimitConfig = { event: 'message', per: 'address', count, periodMs: 60_000, source: 'fixture.smtppolicy:40:5' };
  return makeRuntimeConfig({
    storageDir: dir,
    servers: [{
      name: 'mx',
      hostname: 'mx.example.test',
      listen: [{ address: '127.0.0.1', port: 2525, tlsMode: 'starttls', source: 'fixture.smtppolicy:11:3' }],
      localDomains: [{ kind: 'domain', domain: 'example.test', source: 'fixture.smtppolicy:30:3' }],
      limits: { rates: [rate] },
    }],
  });
}

function probe(report: VerifyReport): ProbeResult {
  const found = report.probes.find((p) => p.id === 'mx/2525/rate/message-rate-per-address');
  assert.ok(found, `no rate probe: ${report.probes.map((p) => p.id).join(', ')}`);
  return found;
}

test('the real server refuses the MAIL over message-rate-per-address with the policy reply; a server without it fails the probe', { timeout: 60_000 }, async (t) => {
  const dir = tempDir(t);
  const small = config(dir, 3);
  const running = await runServer(t, small, { dir });
  // from its own source address, so the other tests' MAILs cannot count
  const report = await verifyServers(small, { target: '127.0.0.1', sources: ['127.0.78.1'], portMap: new Map([[2525, running.port('mx')]]), timeoutMs: 5000 });
  const passed = probe(report);
  assert.equal(passed.status, 'pass', `${passed.expected} / ${passed.observed}`);
  assert.match(passed.observed, /^MAIL FROM number [1-4]: 450 4\.7\.1 Error: too much mail from 127\.0\.78\.1$/);
  assert.deepEqual(report.probes.filter((p) => p.status === 'fail').map((p) => `${p.id}: ${p.expected} / ${p.observed}`), []);
  // verify's own earlier MAILs used up the budget: those probes say so, they do not fail
  const limited = report.probes.filter((p) => p.status === 'skipped' && /rate limiting 127\.0\.78\.1/.test(p.reason ?? ''));
  assert.ok(limited.length > 0, JSON.stringify(report.probes.map((p) => [p.id, p.status, p.reason])));
  assert.match(limited[0]!.reason!, /450 4\.7\.1 Error: too much mail from 127\.0\.78\.1; the policy sets message-rate-per-address 3\/1m/);

  const permissive = await startPermissiveServer(t);
  const failed = probe(await verifyServers(small, { target: '127.0.0.1', sources: ['127.0.78.2'], portMap: new Map([[2525, permissive]]), timeoutMs: 5000 }));
  assert.equal(failed.status, 'fail');
  assert.equal(failed.observed, '4 MAIL FROM accepted');
  assert.equal(failed.source, 'fixture.smtppolicy:40:5');

  const large = probe(await verifyServers(config(dir, 1000), { target: '127.0.0.1', sources: ['127.0.78.3'], portMap: new Map([[2525, permissive]]), timeoutMs: 5000 }));
  assert.equal(large.status, 'skipped');
  assert.match(large.reason ?? '', /the limit is 1000: verify probes message rates of 25 or less/);
});
