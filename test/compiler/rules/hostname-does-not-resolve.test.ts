// hostname-does-not-resolve judges what DNS says, so its table runs against a real DNS
// server on loopback (dnsmasq) standing in for the policy's resolver, as `lint --online`
// would ask it; offline, or with a resolver that does not answer, it finds nothing.
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { after, describe, it, type TestContext } from 'node:test';
import type { Diagnostic } from '../../../grammar/diagnostic.js';
import { lookUpHostnames } from '../../../compiler/online/hostname-lookups.js';
import type { RuntimeConfig } from '../../../runtime/config/types.js';
import { startDnsmasq, type DnsFixture } from '../../helpers/dnsmasq.js';
import { lintText } from './rule-tester.js';

const RULE = 'hostname-does-not-resolve';
const RECORDS = { hosts: { 'mail.good.test': ['127.25.9.1'], 'mail.elsewhere.test': ['127.25.9.2'] } };

let dns: Promise<DnsFixture | null> | undefined;
after(async () => (await dns)?.stop());

/** `lint --online` against the shared dnsmasq (started by the first test that needs it). */
async function onlineVia(t: TestContext): Promise<((config: RuntimeConfig) => ReturnType<typeof lookUpHostnames>) | null> {
  dns ??= startDnsmasq(t, RECORDS);
  const fixture = await dns;
  if (!fixture) return null;
  return (config) => lookUpHostnames({ ...config, resolver: { ...config.resolver, servers: [fixture.server], timeoutMs: 10_000 } });
}

const policy = (hostname: string, listen = '127.25.9.1:25') => `server mx {\n  hostname ${hostname}\n  listen ${listen}\n}\n`;

function findings(diagnostics: Diagnostic[]): Array<{ range: string; message: string }> {
  return diagnostics
    .filter((d) => d.ruleId === RULE)
    .map((d) => ({ range: `${d.range.start.line}:${d.range.start.column}-${d.range.end.line}:${d.range.end.column}`, message: d.message }));
}

describe(`rule ${RULE}`, () => {
  it('invalid: the hostname has no address record', async (t) => {
    const online = await onlineVia(t);
    if (!online) return;
    const found = findings(await lintText(policy('mail.none.test'), { online }));
    assert.equal(found.length, 1, JSON.stringify(found));
    assert.equal(found[0]!.range, '2:3-2:26');
    assert.match(found[0]!.message, /hostname 'mail\.none\.test' of server 'mx' has no A or AAAA record \(the resolver 127\.0\.0\.1:\d+\)/);
  });

  it('invalid: the hostname resolves to another address than the listener', async (t) => {
    const online = await onlineVia(t);
    if (!online) return;
    const found = findings(await lintText(policy('mail.elsewhere.test'), { online }));
    assert.equal(found.length, 1, JSON.stringify(found));
    assert.equal(found[0]!.range, '2:3-2:31');
    assert.match(found[0]!.message, /resolves to 127\.25\.9\.2 \(the resolver 127\.0\.0\.1:\d+\), not to an address the server listens on \(127\.25\.9\.1\)/);
  });

  it('valid: the hostname resolves to the listener', async (t) => {
    const online = await onlineVia(t);
    if (!online) return;
    assert.deepEqual(findings(await lintText(policy('mail.good.test'), { online })), []);
  });

  it('valid: a server on every interface may be reached at any address its name has', async (t) => {
    const online = await onlineVia(t);
    if (!online) return;
    assert.deepEqual(findings(await lintText(policy('mail.elsewhere.test', '0.0.0.0:25'), { online })), []);
  });

  it('valid: offline (plain lint) nothing is looked up', async () => {
    assert.deepEqual(findings(await lintText(policy('mail.none.test'))), []);
  });

  it('valid: a resolver that does not answer says nothing about the name', async () => {
    // a UDP port nobody listens on: the query is refused at once
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
    const port = socket.address().port;
    await new Promise<void>((resolve) => socket.close(() => resolve()));
    let facts: Awaited<ReturnType<typeof lookUpHostnames>> | undefined;
    const online = async (config: RuntimeConfig) => (facts = await lookUpHostnames({ ...config, resolver: { ...config.resolver, servers: [`127.0.0.1:${port}`] } }));
    assert.deepEqual(findings(await lintText(policy('mail.none.test'), { online })), []);
    assert.equal(facts?.hostnames.get('mail.none.test')?.kind, 'unreachable');
  });
});
