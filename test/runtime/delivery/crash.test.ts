// Zero loss across a crash while relaying through a smart host (the scenario is in
// helpers/crash-scenario.ts; direct-crash.test.ts runs it through MX hosts).
import { test } from 'node:test';
import { startSmarthost } from './helpers/smarthost-fixture.js';
import { smarthostTarget } from './helpers/worker-harness.js';
import { runCrashScenario } from './helpers/crash-scenario.js';

test('SIGKILL under load loses no acknowledged message; duplicates only for deliveries in flight', { timeout: 180_000 }, async (t) => {
  const smarthost = await startSmarthost();
  t.after(() => smarthost.close());
  await runCrashScenario(t, { relayTo: smarthostTarget(smarthost.port), received: smarthost.received, remoteDomain: 'remote.example', messages: 300, killAfterAcks: 120 });
});
