// ldap-host-unreachable judges what DNS and the network say, so its table runs against a
// real DNS server on loopback (dnsmasq, the policy's resolver as `lint --online` would ask
// it) and real TCP listeners on loopback addresses: one listening (reachable), one opened
// and closed again (refused). Offline it finds nothing.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { after, describe, it, type TestContext } from 'node:test';
import type { Diagnostic } from '../../../grammar/diagnostic.js';
import { lookUpHostnames } from '../../../compiler/online/hostname-lookups.js';
import type { RuntimeConfig } from '../../../runtime/config/types.js';
import { startDnsmasq, type DnsFixture } from '../../helpers/dnsmasq.js';
import { lintText } from './rule-tester.js';

const RULE = 'ldap-host-unreachable';
const LISTENING = '127.0.21.30';
const CLOSED = '127.0.21.31';
const RECORDS = { hosts: { 'mail.example.test': ['127.0.21.29'], 'dc.good.test': [LISTENING], 'dc.closed.test': [CLOSED] } };

let dns: Promise<DnsFixture | null> | undefined;
after(async () => (await dns)?.stop());

async function onlineVia(t: TestContext): Promise<((config: RuntimeConfig) => ReturnType<typeof lookUpHostnames>) | null> {
  dns ??= startDnsmasq(t, RECORDS);
  const fixture = await dns;
  if (!fixture) return null;
  return (config) => lookUpHostnames({ ...config, resolver: { ...config.resolver, servers: [fixture.server], timeoutMs: 10_000 } });
}

async function listen(t: TestContext, host: string, keepOpen: boolean): Promise<number> {
  const server: Server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as { port: number };
  if (keepOpen) t.after(() => server.close());
  else await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const policy = (url: string) => `users staff ldap "${url}" {
  bind-dn "cn=smtp,dc=example,dc=test"
  bind-password env LDAP_BIND_PASSWORD
  base "dc=example,dc=test"
  timeout 2s
}
server mx {
  listen 127.0.21.29:25
  hostname mail.example.test
}
`;

function findings(diagnostics: Diagnostic[]): Array<{ range: string; message: string }> {
  return diagnostics
    .filter((d) => d.ruleId === RULE)
    .map((d) => ({ range: `${d.range.start.line}:${d.range.start.column}-${d.range.end.line}:${d.range.end.column}`, message: d.message }));
}

describe(`rule ${RULE}`, () => {
  it('invalid: the directory host has no address record', async (t) => {
    const online = await onlineVia(t);
    if (!online) return;
    const found = findings(await lintText(policy('ldaps://dc.none.test:636'), { online }));
    assert.equal(found.length, 1, JSON.stringify(found));
    assert.equal(found[0]!.range, '1:18-1:44');
    assert.match(found[0]!.message, /^user store 'staff': the directory host 'dc\.none\.test' has no A or AAAA record \(the resolver 127\.0\.0\.1:\d+\)/);
  });

  it('invalid: nothing accepts a connection at the port (a name, and an address literal)', async (t) => {
    const online = await onlineVia(t);
    if (!online) return;
    const port = await listen(t, CLOSED, false);
    for (const url of [`ldaps://dc.closed.test:${port}`, `ldaps://${CLOSED}:${port}`]) {
      const found = findings(await lintText(policy(url), { online }));
      assert.equal(found.length, 1, JSON.stringify(found));
      assert.equal(found[0]!.message, `user store 'staff': nothing accepts a connection at ${url.slice(8, url.lastIndexOf(':'))} port ${port} (${CLOSED}: ECONNREFUSED): every login would get 454 and every recipient it decides 451`);
    }
  });

  it('valid: the host resolves and accepts a connection', async (t) => {
    const online = await onlineVia(t);
    if (!online) return;
    const port = await listen(t, LISTENING, true);
    assert.deepEqual(findings(await lintText(policy(`ldaps://dc.good.test:${port}`), { online })), []);
  });

  it('valid: offline nothing is asked and nothing is found', async () => {
    assert.deepEqual(findings(await lintText(policy('ldaps://dc.none.test:636'))), []);
  });
});
