// Which loopback source addresses verify probes from: one inside each entry that 127/8 can
// represent, its neighbours just outside, one outside every entry, and a reason for each
// entry no loopback source can stand for.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chooseLoopbackSources, MAX_SOURCES } from '../../verify/source-addresses.js';
import { addressItems, makeServerConfig } from '../runtime/fixtures/config-builder.js';

test('an entry inside 127/8 gets a source inside it and its neighbours outside', () => {
  const server = makeServerConfig({ connections: { mode: 'deny-list', entries: addressItems('127.0.0.8/30') } });
  const { picks, unrepresented } = chooseLoopbackSources(server, '127.0.0.1');
  const byAddress = new Map(picks.map((p) => [p.address, p.why]));
  assert.match(byAddress.get('127.0.0.8') ?? '', /^inside 127\.0\.0\.8\/30/);
  assert.match(byAddress.get('127.0.0.7') ?? '', /^just below/);
  assert.match(byAddress.get('127.0.0.12') ?? '', /^just above/);
  assert.equal(byAddress.get('127.0.0.1'), 'outside every entry');
  assert.deepEqual(unrepresented, []);
});

test('the outside source avoids every entry, relay grants included', () => {
  const server = makeServerConfig({
    connections: { mode: 'allow-list', entries: addressItems('127.0.0.0/31') },
    relay: { entries: addressItems('127.0.0.2/32') },
  });
  const outside = chooseLoopbackSources(server, '127.0.0.1').picks.find((p) => p.why === 'outside every entry');
  assert.equal(outside?.address, '127.0.0.3');
});

test('public ranges, IPv6 networks and domains are reported with the reason no loopback source fits', () => {
  const server = makeServerConfig({
    connections: { mode: 'allow-list', entries: addressItems('10.0.0.0/8', '2001:db8::/32', 'partner.example') },
    relay: { entries: addressItems('192.0.2.0/24') },
  });
  const { picks, unrepresented } = chooseLoopbackSources(server, '127.0.0.1');
  assert.deepEqual(picks.map((p) => p.address), ['127.0.0.1']);
  const reasons = unrepresented.map((u) => `${u.list}: ${u.reason}`);
  assert.equal(reasons.length, 4);
  assert.match(reasons[0]!, /^connections: 10\.0\.0\.0\/8 at fixture\.smtppolicy:100:1 has no address in 127\.0\.0\.0\/8/);
  assert.match(reasons[1]!, /2001:db8::\/32 .* IPv6 network/);
  assert.match(reasons[2]!, /domain partner\.example .*reverse DNS/);
  assert.match(reasons[3]!, /^relay: 192\.0\.2\.0\/24/);
});

test('a range wider than 127/8 is represented by the loopback addresses inside it', () => {
  const server = makeServerConfig({ connections: { mode: 'deny-list', entries: addressItems('0.0.0.0/0') } });
  const { picks, unrepresented } = chooseLoopbackSources(server, '127.0.0.1');
  assert.deepEqual(picks.map((p) => p.address), ['127.0.0.1']);
  assert.match(picks[0]!.why, /^inside 0\.0\.0\.0\/0/);
  assert.deepEqual(unrepresented, []);
});

test('over IPv6 the only source is ::1, and entries without it are reported', () => {
  const server = makeServerConfig({ connections: { mode: 'allow-list', entries: addressItems('::1/128', 'fd00::/8', '127.0.0.0/8') } });
  const { picks, unrepresented } = chooseLoopbackSources(server, '::1');
  assert.deepEqual(picks, [{ address: '::1', why: 'the only IPv6 loopback address' }]);
  assert.deepEqual(unrepresented.map((u) => u.item.kind === 'cidr' && u.item.cidr), ['fd00::/8', '127.0.0.0/8']);
});

test('many entries are capped, and the addresses left out are reported, not dropped', () => {
  const entries = addressItems(...Array.from({ length: 40 }, (_, i) => `127.0.${i + 1}.0/24`));
  const { picks, unrepresented } = chooseLoopbackSources(makeServerConfig({ connections: { mode: 'deny-list', entries } }), '127.0.0.1');
  assert.equal(picks.length, MAX_SOURCES);
  assert.ok(unrepresented.length > 0);
  assert.match(unrepresented[0]!.reason, /at most 32 source addresses per server/);
});
