// Zero loss across a crash during direct delivery: relayed mail goes to the MX host that a
// real DNS server (dnsmasq, the policy's resolver) names for the recipient domain, a sink
// on 127.25.3.1:25; `serve` is SIGKILLed under load and restarted (helpers/crash-scenario.ts).
import { test } from 'node:test';
import { startDnsmasq } from '../../helpers/dnsmasq.js';
import { makeRuntimeConfig } from '../fixtures/config-builder.js';
import { runCrashScenario } from './helpers/crash-scenario.js';
import { startSmarthost } from './helpers/smarthost-fixture.js';

test('SIGKILL during direct delivery loses no acknowledged message; duplicates only for deliveries in flight', { timeout: 180_000 }, async (t) => {
  const dns = await startDnsmasq(t, { hosts: { 'mx.crash.test': ['127.25.3.1'] }, mx: { 'crash.test': [[10, 'mx.crash.test']] } });
  if (!dns) return;
  t.after(() => dns.stop());
  const mx = await startSmarthost({ host: '127.25.3.1', port: 25 });
  t.after(() => mx.close());
  await runCrashScenario(t, {
    relayTo: { kind: 'direct', source: 'fixture.smtppolicy:40:1' },
    received: mx.received,
    resolver: { ...makeRuntimeConfig().resolver, servers: [dns.server], timeoutMs: 10_000 },
    remoteDomain: 'crash.test',
    messages: 200,
    killAfterAcks: 80,
  });
});
