// Every finding that rests on a witness session names the `explain` command that replays
// it. Here that command is taken from the finding's message, run as a user would run it,
// and must give the verdict the finding claims: the session relays (or, for a PROXY source
// that is merely too wide, the header is believed and decides).

import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { checkPolicy } from '../../compiler/check.js';
import { runCli } from './run-cli.js';

const mx = (body: string) =>
  `resolver { reverse-zone 113.0.203.in-addr.arpa }\nserver mx {\n  listen 0.0.0.0:25\n  hostname mail.example.test\n  local-domains example.test\n${body}\n}\n`;

interface Explained {
  decision: string;
  stage: string;
  route?: string;
  trace: { step: string; result: string }[];
}

/** Lints the policy, finds the rule's finding, runs the explain command its message names. */
async function replay(policy: string, ruleId: string): Promise<{ message: string; explained: Explained }> {
  const dir = await mkdtemp(join(tmpdir(), 'smtppolicy-witness-'));
  try {
    await writeFile(join(dir, 'policy.smtppolicy'), policy);
    const { diagnostics } = await checkPolicy('policy.smtppolicy', { cwd: dir });
    const finding = diagnostics.find((d) => d.ruleId === ruleId);
    assert.ok(finding, `no ${ruleId} finding: ${diagnostics.map((d) => d.message).join('\n')}`);
    const command = /`smtppolicy explain ([^`]+)`/.exec(finding.message)?.[1];
    assert.ok(command, `the ${ruleId} message names no explain command: ${finding.message}`);
    const result = await runCli(['explain', ...command.split(' '), '--format', 'json'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    return { message: finding.message, explained: JSON.parse(result.stdout) as Explained };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function assertRelays(explained: Explained): void {
  assert.deepEqual([explained.decision, explained.stage, explained.route], ['accept', 'rcpt', 'relay'], JSON.stringify(explained.trace, null, 2));
}

describe('explain replays the witness of a finding', () => {
  it('open-relay through a forged PROXY header: the claimed address relays', async () => {
    const { explained } = await replay(mx('  connections only { 10.0.0.0/8 }\n  relay { 10.0.0.0/8 }\n  proxy-protocol { 0.0.0.0/0 }'), 'open-relay');
    assertRelays(explained);
    assert.match(explained.trace[0]!.step, /^PROXY header from 8\.8\.8\.8 claiming 10\.0\.0\.1$/);
  });

  it('open-relay through a forged PROXY header naming a host under a granted domain', async () => {
    const { message, explained } = await replay(mx('  relay { domain partner.example }\n  proxy-protocol { 64.0.0.0/2 }'), 'open-relay');
    assert.match(message, /--ptr relay-probe\.partner\.example/);
    assertRelays(explained);
  });

  it('open-relay through a declared gateway: a stranger behind it relays as the gateway', async () => {
    const { explained } = await replay(mx('  relay { 172.16.0.0/12 }\n  gateways { 172.17.0.1 }'), 'open-relay');
    assertRelays(explained);
    assert.ok(explained.trace.some((s) => s.step === 'client address 172.17.0.1 in gateways'), JSON.stringify(explained.trace));
  });

  it('open-relay directly, and behind a trusted local balancer on a loopback listener', async () => {
    assertRelays((await replay(mx('  relay { 0.0.0.0/0 }'), 'open-relay')).explained);
    const behindBalancer = mx('  relay { anyone }\n  proxy-protocol { 127.0.0.1 }').replace('listen 0.0.0.0:25', 'listen 127.0.0.1:25');
    assertRelays((await replay(behindBalancer, 'open-relay')).explained);
  });

  it('relay-grant-covers-gateway: a stranger arriving through the Docker bridge gateway relays', async () => {
    assertRelays((await replay(mx('  relay { 172.16.0.0/12 }'), 'relay-grant-covers-gateway')).explained);
  });

  it('public-suffix-domain-entry: a client with a PTR name anyone can register relays', async () => {
    assertRelays((await replay(mx('  relay { domain co.uk }'), 'public-suffix-domain-entry')).explained);
  });

  it('proxy-trust-too-wide: the header is believed, and a balancer that is also granted relays as itself', async () => {
    const wide = await replay(mx('  proxy-protocol { 10.0.0.0/8 }'), 'proxy-trust-too-wide');
    assert.match(wide.explained.trace[0]!.result, /^believed: /);
    assert.equal(wide.explained.stage, 'rcpt'); // past connection control, as the claimed client
    assertRelays((await replay(mx('  relay { 10.0.0.0/24 }\n  proxy-protocol { 10.0.0.10 }'), 'proxy-trust-too-wide')).explained);
  });
});
