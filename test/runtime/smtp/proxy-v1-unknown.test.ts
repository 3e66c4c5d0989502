// A trusted balancer that cannot name the client (v1 `PROXY UNKNOWN`) must
// not make the session run as the balancer itself, exactly as v2's UNSPEC is refused
// (runtime/smtp/proxy-v2.ts): the balancer may hold relay rights its clients must not get.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeRuntimeConfig, domainItem, addressItems } from '../fixtures/config-builder.js';
import { runServer } from '../../helpers/server-fixture.js';
import { RawSmtpClient } from '../../helpers/smtp-client.js';

const BALANCER = '127.0.0.72';

test('v1 PROXY UNKNOWN from a trusted balancer is refused like v2 UNSPEC, not run with the balancer\'s relay rights', { timeout: 15_000 }, async (t) => {
  const running = await runServer(t, makeRuntimeConfig({ servers: [{
    localDomains: [domainItem('example.test')],
    proxyProtocol: addressItems(`${BALANCER}/32`),
    // the balancer sits in the trusted network, as it often does
    relay: { anyone: false, authenticated: false, entries: addressItems(`${BALANCER}/32`) },
  }] }));

  const unknown = await RawSmtpClient.connect({ port: running.port(), localAddress: BALANCER });
  t.after(() => unknown.close());
  unknown.write('PROXY UNKNOWN\r\n');
  const first = await unknown.read();
  const relayed = first?.code === 220
    ? (await unknown.command('EHLO x.example'), await unknown.command('MAIL FROM:<a@outside.example>'), await unknown.command('RCPT TO:<victim@elsewhere.example>'))
    : null;
  assert.equal(first, null, `closed without a greeting; got ${first?.text} and RCPT ${relayed?.text}`);
  assert.ok(running.logs.some((l) => l.event === 'proxy-refused' && l.peer === BALANCER));

  // a v1 header that names the client still works
  const named = await RawSmtpClient.connect({ port: running.port(), localAddress: BALANCER });
  t.after(() => named.close());
  named.write('PROXY TCP4 198.51.100.9 127.0.0.1 40000 25\r\n');
  assert.equal((await named.read())?.code, 220);
  assert.equal((await named.command('EHLO x.example'))?.code, 250);
  await named.command('MAIL FROM:<a@outside.example>');
  assert.match((await named.command('RCPT TO:<victim@elsewhere.example>'))?.text ?? '', /^554 5\.7\.1 /, 'the named client has no relay right');
});
