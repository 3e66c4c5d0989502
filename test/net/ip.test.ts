// The hand-written address parser must accept exactly what node's isIP accepts and give
// the same normal form as ipaddr.js (RFC 5952, IPv4-mapped as IPv4).
import assert from 'node:assert/strict';
import { isIP } from 'node:net';
import { test } from 'node:test';
import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { normalizeAddress, parseAddress, parseCidr } from '../../net/ip.js';

// ipaddr.js reads a dotted tail as IPv4-mapped whatever precedes it (`::1.2.3.4` becomes
// ::ffff:1.2.3.4; RFC 4291 says ::102:304), so it is the oracle only for IPv6 texts
// without a dotted tail or with a mapped one (see comparable()).
function oracle(text: string): string {
  if (!text.includes(':')) return ipaddr.IPv4.parse(text).toString();
  const v6 = ipaddr.IPv6.parse(text);
  return v6.isIPv4MappedAddress() ? v6.toIPv4Address().toString() : v6.toRFC5952String(); // with its %zone, if any
}

function comparable(text: string): boolean {
  if (!text.includes(':')) return ipaddr.IPv4.isValid(text);
  const dottedTail = /[0-9.]+\.[0-9]+(?:%.*)?$/.test(text);
  return ipaddr.IPv6.isValid(text) && (!dottedTail || /(?:^|:)ffff:[0-9.]+(?:%.*)?$/i.test(text.replace(/^(?:0{1,4}:){5}/, '::')));
}

test('a dotted tail is IPv4-mapped only after ::ffff:', () => {
  assert.equal(normalizeAddress('::1.2.3.4'), '::102:304');
  assert.equal(normalizeAddress('::ffff:1.2.3.4'), '1.2.3.4');
  assert.equal(normalizeAddress('0:0:0:0:0:ffff:1.2.3.4'), '1.2.3.4');
});

const ipv6Bytes = fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 255 })), { minLength: 16, maxLength: 16 });

test('IPv6 in any notation normalises like ipaddr.js', () => {
  fc.assert(
    fc.property(ipv6Bytes, fc.boolean(), fc.boolean(), (bytes, upper, mapped) => {
      if (mapped) bytes.splice(0, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff);
      const address = ipaddr.fromByteArray(bytes) as ipaddr.IPv6;
      for (let text of [address.toNormalizedString(), address.toString(), address.parts.map((part) => part.toString(16).padStart(4, "0")).join(":")]) {
        if (upper) text = text.toUpperCase();
        assert.equal(parseAddress(text)?.text, oracle(text), text);
      }
    }),
    { numRuns: 500 },
  );
});

test('IPv4 normalises like ipaddr.js', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 }), (bytes) => {
      const text = bytes.join('.');
      assert.equal(normalizeAddress(text), text);
      assert.equal(normalizeAddress(`::ffff:${text}`), text);
    }),
  );
});

test('accepts exactly what node isIP accepts', () => {
  const chars = fc.constantFrom(...'0123456789abcdefABCDEF:.%'.split(''), '::', '1.2.3.4', 'ffff:', '00');
  fc.assert(
    fc.property(fc.array(chars, { maxLength: 14 }).map((parts) => parts.join('')), (text) => {
      const parsed = parseAddress(text);
      assert.equal(parsed !== undefined, isIP(text) !== 0, JSON.stringify(text));
      // ipaddr.js refuses some zone ids node allows (`::%a.b`); compare where both parse.
      if (parsed && comparable(text)) assert.equal(parsed.text, oracle(text), text);
    }),
    { numRuns: 3000 },
  );
});

test('never reads octal or short IPv4 forms', () => {
  for (const text of ['010.1.1.1', '1.2.3', '0x7f.0.0.1', '127.1', '1.2.3.4 ', '']) assert.equal(parseAddress(text), undefined, text);
});

test('CIDR: normal form, host bits, prefix range, IPv4-mapped networks', () => {
  assert.deepEqual(parseCidr('10.1.2.3/8'), { family: 4, bytes: [10, 0, 0, 0], prefix: 8, text: '10.0.0.0/8', hadHostBits: true });
  assert.equal(parseCidr('2001:DB8:0::/32')?.text, '2001:db8::/32');
  assert.equal(parseCidr('::ffff:192.0.2.0/120')?.text, '192.0.2.0/24');
  assert.equal(parseCidr('10.0.0.0/33'), undefined);
  assert.equal(parseCidr('::/129'), undefined);
  assert.equal(parseCidr('10.0.0.0/08'), undefined);
  assert.equal(parseCidr('10.0.0.0'), undefined);
});
