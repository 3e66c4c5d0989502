// Domain entries need forward-confirmed reverse DNS, from a real DNS server on loopback.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeRuntimeConfig, domainItem, src } from '../fixtures/config-builder.js';
import { runServer } from '../../helpers/server-fixture.js';
import { RawSmtpClient } from '../../helpers/smtp-client.js';
import { startDnsmasq } from '../../helpers/dnsmasq.js';
import { createReverseLookup } from '../../../runtime/dns/reverse-lookup.js';

const records = {
  ptr: { '127.0.0.30': 'host.trusted.test', '127.0.0.31': 'liar.trusted.test' },
  hosts: { 'host.trusted.test': ['127.0.0.30'], 'liar.trusted.test': ['127.0.0.99'] },
};

test('a domain-listed client is accepted only with a forward-confirmed PTR; a DNS outage gives 4xx', { timeout: 30000 }, async (t) => {
  const dns = await startDnsmasq(t, records);
  if (!dns) return;
  t.after(() => dns.stop());
  const config = makeRuntimeConfig({
    resolver: { servers: [dns.server], timeoutMs: 500, reverseZones: ['127.in-addr.arpa'] },
    servers: [{ connections: { mode: 'allow-list', entries: [domainItem('trusted.test', src(50))], source: src(49) } }],
  });
  const running = await runServer(t, config);
  const greet = async (localAddress: string) => {
    const client = await RawSmtpClient.connect({ port: running.port(), localAddress });
    t.after(() => client.close());
    return client.read(5000);
  };
  const confirmed = await greet('127.0.0.30');
  assert.equal(confirmed?.code, 220, confirmed?.text);
  const unconfirmed = await greet('127.0.0.31');
  assert.equal(unconfirmed?.code, 554, unconfirmed?.text);
  assert.match(unconfirmed!.text, /^554 5\.7\.1 /);
  const noPtr = await greet('127.0.0.32');
  assert.equal(noPtr?.code, 554);

  await dns.stop();
  const outage = await greet('127.0.0.33');
  assert.ok(outage && outage.code >= 400 && outage.code < 500, `fail closed with 4xx, got ${outage?.text}`);
  // the confirmed answer stays cached through the outage
  const cached = await greet('127.0.0.30');
  assert.equal(cached?.code, 220);
  const lookups = running.logs.filter((l) => l.event === 'decision' && l.stage === 'connect');
  assert.ok(lookups.some((l) => l.ptr === 'host.trusted.test'));
});

test('concurrent lookups of one address are coalesced and answers are cached', { timeout: 20000 }, async (t) => {
  const dns = await startDnsmasq(t, records);
  if (!dns) return;
  t.after(() => dns.stop());
  let networkLookups = 0;
  const lookup = createReverseLookup(
    { servers: [dns.server], timeoutMs: 1000, reverseZones: [], cache: { maxTtlMs: 60_000, negativeTtlMs: 60_000, maxEntries: 2 }, source: null },
    { observe: () => networkLookups++ },
  );
  const results = await Promise.all([lookup.lookup('127.0.0.30'), lookup.lookup('127.0.0.30'), lookup.lookup('::ffff:127.0.0.30')]);
  for (const r of results) assert.deepEqual(r, { status: 'found', name: 'host.trusted.test', confirmed: true });
  assert.equal(networkLookups, 1);
  assert.deepEqual(await lookup.lookup('127.0.0.31'), { status: 'found', name: 'liar.trusted.test', confirmed: false });
  assert.deepEqual(await lookup.lookup('127.0.0.32'), { status: 'none' });
  assert.equal(lookup.cacheSize, 2, 'bounded by maxEntries');
  await dns.stop();
  const down = await lookup.lookup('127.0.0.40');
  assert.equal(down.status, 'error');
});
