// The value readers that the parser, the compiler and the language server share.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isValidEnvName, isValidName, parseCidr, parseDomain, parseDuration, parseHostPort, parseInteger, parseMask, parsePort, parseSize, parseTlsVersion, type ValueResult } from '../../grammar/values.js';

function value<T>(result: ValueResult<T>): T {
  if (!result.ok) assert.fail(result.message);
  return result.value;
}

function message<T>(result: ValueResult<T> | { ok: false; message: string } | { ok: true }): string {
  assert.equal(result.ok, false, 'expected a failure');
  return (result as { message: string }).message;
}

describe('parseCidr', () => {
  it('reads single addresses and ranges of both families', () => {
    assert.deepEqual(value(parseCidr('198.51.100.7')), {
      family: 4,
      address: '198.51.100.7',
      network: '198.51.100.7',
      prefix: 32,
      single: true,
    });
    assert.deepEqual(value(parseCidr('10.9.8.7/12')), { family: 4, address: '10.9.8.7', network: '10.0.0.0', prefix: 12, single: false });
    assert.deepEqual(value(parseCidr('2001:DB8::ABCD/33')), {
      family: 6,
      address: '2001:db8::abcd',
      network: '2001:db8::',
      prefix: 33,
      single: false,
    });
    assert.deepEqual(value(parseCidr('0.0.0.0/0')).network, '0.0.0.0');
    assert.deepEqual(value(parseCidr('::/0')).network, '::');
  });

  it('turns IPv4-mapped IPv6 into IPv4, but only where the range stays inside the mapped block', () => {
    assert.deepEqual(value(parseCidr('::ffff:192.0.2.1')), {
      family: 4,
      address: '192.0.2.1',
      network: '192.0.2.1',
      prefix: 32,
      single: true,
    });
    assert.equal(value(parseCidr('::ffff:0:0/96')).prefix, 0);
    assert.equal(value(parseCidr('::ffff:0:0/95')).family, 6);
  });

  it('rejects the lenient IPv4 forms other tools accept', () => {
    for (const text of ['010.0.0.1', '10.1', '0x0a.0.0.1', '167772161', '10.0.0.256', '::1.2.3.4', 'fe80::1%eth0']) {
      assert.equal(parseCidr(text).ok, false, text);
    }
  });

  it('says why a prefix is wrong, and where', () => {
    const v4 = parseCidr('10.0.0.0/33');
    assert.equal(
      message(v4),
      "expected a CIDR range like 10.0.0.0/8, an address, or a domain name, found '10.0.0.0/33': an IPv4 prefix length is at most 32",
    );
    assert.deepEqual(!v4.ok && v4.span, { start: 9, end: 11 });
    assert.match(message(parseCidr('::/129')), /an IPv6 prefix length is at most 128$/);
    assert.match(message(parseCidr('10.0.0.0/x')), /the prefix length after '\/' must be a number$/);
  });
});

describe('parseMask', () => {
  it('reads contiguous netmasks', () => {
    assert.deepEqual(value(parseMask('192.168.1.77', '255.255.255.0')), {
      family: 4,
      address: '192.168.1.77',
      network: '192.168.1.0',
      prefix: 24,
      single: false,
    });
    assert.equal(value(parseMask('10.0.0.0', '0.0.0.0')).prefix, 0);
  });

  it('names the faulty part', () => {
    const gap = parseMask('10.0.0.0', '255.0.255.0');
    assert.equal(message(gap), "'255.0.255.0' is not a valid netmask: its one-bits are not contiguous");
    assert.equal(!gap.ok && gap.part, 'mask');
    const v6 = parseMask('2001:db8::', '255.255.0.0');
    assert.equal(!v6.ok && v6.part, 'address');
  });
});

describe('parseDomain', () => {
  it('lower-cases and drops one trailing dot', () => {
    assert.equal(value(parseDomain('Mail.Example.COM.')), 'mail.example.com');
    assert.equal(value(parseDomain('localhost')), 'localhost');
    assert.equal(value(parseDomain('10.in-addr.arpa')), '10.in-addr.arpa');
  });

  it('enforces LDH labels and lengths', () => {
    const label63 = 'a'.repeat(63);
    assert.equal(parseDomain(`${label63}.example`).ok, true);
    assert.match(message(parseDomain(`${label63}a.example`)), /a label has at most 63 characters$/);
    const long = Array.from({ length: 64 }, () => 'abc').join('.');
    assert.match(message(parseDomain(long)), /at most 253 characters$/);
    for (const bad of ['-a.example', 'a-.example', 'a_b.example', 'a..example', '*.example', '', '.']) {
      assert.equal(parseDomain(bad).ok, false, bad);
    }
  });

  it('requires two labels for a fully-qualified name', () => {
    assert.match(message(parseDomain('mail', { fqdn: true })), /at least two labels/);
    assert.equal(value(parseDomain('mail.example', { fqdn: true })), 'mail.example');
  });

  it('refuses addresses', () => {
    assert.match(message(parseDomain('192.0.2.1')), /that is an address, not a domain name$/);
  });
});

describe('parseHostPort', () => {
  it('reads the three host forms', () => {
    assert.deepEqual(value(parseHostPort('1.2.3.4:25', { portRequired: true })), { host: '1.2.3.4', family: 4, port: 25 });
    assert.deepEqual(value(parseHostPort('[::1]:25', { portRequired: true })), { host: '::1', family: 6, port: 25 });
    assert.deepEqual(value(parseHostPort('Host.Example:587', { portRequired: true })), {
      host: 'host.example',
      family: 'name',
      port: 587,
    });
  });

  it('leaves the port to the context when it may be omitted', () => {
    assert.deepEqual(value(parseHostPort('10.0.0.53', { portRequired: false })), { host: '10.0.0.53', family: 4, port: null });
    assert.deepEqual(value(parseHostPort('2001:db8::53', { portRequired: false })), { host: '2001:db8::53', family: 6, port: null });
    assert.match(message(parseHostPort('10.0.0.53', { portRequired: true })), /a port is required, like 10\.0\.0\.53:25$/);
  });

  it('checks the port range and points at the port', () => {
    const result = parseHostPort('1.2.3.4:70000', { portRequired: true });
    assert.equal(message(result), "expected a port between 1 and 65535, found '70000'");
    assert.deepEqual(!result.ok && result.span, { start: 8, end: 13 });
    assert.equal(parseHostPort('1.2.3.4:0', { portRequired: true }).ok, false);
    assert.equal(value(parsePort('65535')), 65535);
  });

  it('rejects malformed brackets and hosts', () => {
    for (const bad of ['[::1', '[1.2.3.4]:25', '[::1]25', 'bad_host:25', ':25', '1.2.3.4.5:25']) {
      assert.equal(parseHostPort(bad, { portRequired: false }).ok, false, bad);
    }
  });
});

describe('numbers', () => {
  it('reads durations in ms, s, m, h and d', () => {
    assert.equal(value(parseDuration('500ms')), 500);
    assert.equal(value(parseDuration('30s')), 30_000);
    assert.equal(value(parseDuration('5m')), 300_000);
    assert.equal(value(parseDuration('1h')), 3_600_000);
    assert.equal(value(parseDuration('2d')), 172_800_000);
    assert.equal(message(parseDuration('5')), "expected a duration like 30s, 5m or 1h, found '5': add a unit (ms, s, m, h or d)");
    for (const bad of ['1.5h', '-1s', '5 m', 'h', '5M', '9'.repeat(20) + 'd']) assert.equal(parseDuration(bad).ok, false, bad);
  });

  it('reads sizes with 1024-based units', () => {
    assert.equal(value(parseSize('25MB')), 25 * 1024 * 1024);
    assert.equal(value(parseSize('25MiB')), 25 * 1024 * 1024);
    assert.equal(value(parseSize('512KB')), 512 * 1024);
    assert.equal(value(parseSize('1GiB')), 1024 ** 3);
    assert.equal(value(parseSize('1000')), 1000);
    assert.match(message(parseSize('25XB')), /^expected a size like 25MB, found '25XB'/);
    assert.equal(parseSize('25mb').ok, false);
  });

  it('reads bounded integers', () => {
    assert.equal(value(parseInteger('100', { min: 1 })), 100);
    assert.match(message(parseInteger('0', { min: 1 })), /the smallest allowed is 1$/);
    assert.match(message(parseInteger('600', { max: 512 })), /the largest allowed is 512$/);
    assert.equal(parseInteger('1e3').ok, false);
  });

  it('reads TLS versions in both spellings', () => {
    assert.equal(value(parseTlsVersion('1.2')), '1.2');
    assert.equal(value(parseTlsVersion('TLSv1.3')), '1.3');
    assert.equal(message(parseTlsVersion('1.4')), "expected a TLS version (1.0, 1.1, 1.2 or 1.3), found '1.4'");
  });
});

describe('names', () => {
  it('follows the name rules', () => {
    assert.equal(isValidName('partners-2_x'), true);
    assert.equal(isValidName('2partners'), false);
    assert.equal(isValidName('a.b'), false);
    assert.equal(isValidEnvName('RELAY_PASSWORD'), true);
    assert.equal(isValidEnvName('_X1'), true);
    assert.equal(isValidEnvName('1X'), false);
    assert.equal(isValidEnvName('A-B'), false);
  });
});
