import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decideRcpt, formatReply } from '../../../runtime/policy/index.js';
import { cidrItem, domainItem, src } from '../fixtures/config-builder.js';
import { compiledServer } from './helpers.js';

describe('RCPT TO: local domains and relay control', () => {
  const server = compiledServer({
    localDomains: [domainItem('example.test', src(80, 3))],
    relay: {
      anyone: false,
      authenticated: true,
      entries: [cidrItem('10.5.0.0/16', src(81, 3)), cidrItem('fd00:5::/32', src(82, 3)), domainItem('branch.example', src(83, 3))],
      source: src(79),
    },
  });
  const outside = { clientAddress: '198.51.100.20', reverseDns: { status: 'none' } as const };

  test('a local domain is accepted from anyone, routed locally', () => {
    const decision = decideRcpt(server, { ...outside, rcptTo: 'bob@Example.TEST' });
    assert.equal(decision.decision, 'accept');
    assert.equal(decision.route, 'local');
    assert.equal(formatReply(decision.reply), '250 2.1.5 Ok');
    assert.equal(decision.trace[0]!.source, src(80, 3));
  });

  test('relay from an unauthenticated outside client: 554 5.7.1 <rcpt>: Relay access denied', () => {
    const decision = decideRcpt(server, { ...outside, rcptTo: 'someone@elsewhere.example' });
    assert.equal(decision.decision, 'refuse');
    assert.equal(formatReply(decision.reply), '554 5.7.1 <someone@elsewhere.example>: Relay access denied');
    assert.equal(decision.route, undefined);
    assert.equal(decision.trace.at(-1)!.source, src(79));
  });

  test('relay for an authenticated client is accepted, routed for relay', () => {
    const decision = decideRcpt(server, { ...outside, user: 'alice@example.test', rcptTo: 'someone@elsewhere.example' });
    assert.equal(decision.decision, 'accept');
    assert.equal(decision.route, 'relay');
  });

  test('relay for a granted subnet (IPv4, IPv6 and IPv4-mapped) without authentication', () => {
    for (const clientAddress of ['10.5.200.1', '::ffff:10.5.0.9', 'fd00:5:ffff::1']) {
      const decision = decideRcpt(server, { clientAddress, rcptTo: 'x@elsewhere.example' });
      assert.equal(decision.route, 'relay', clientAddress);
    }
    const granted = decideRcpt(server, { clientAddress: '10.5.200.1', rcptTo: 'x@elsewhere.example' });
    assert.equal(granted.trace.at(-1)!.source, src(81, 3));
    assert.equal(decideRcpt(server, { clientAddress: '10.6.0.1', reverseDns: { status: 'none' }, rcptTo: 'x@elsewhere.example' }).decision, 'refuse');
  });

  test('relay for a confirmed PTR under a granted suffix; a DNS failure defers with 450 4.7.1', () => {
    const granted = decideRcpt(server, {
      clientAddress: '203.0.113.9',
      reverseDns: { status: 'found', name: 'pc7.branch.example', confirmed: true },
      rcptTo: 'x@elsewhere.example',
    });
    assert.equal(granted.route, 'relay');
    assert.equal(granted.trace.at(-1)!.source, src(83, 3));
    const unconfirmed = decideRcpt(server, {
      clientAddress: '203.0.113.9',
      reverseDns: { status: 'found', name: 'pc7.branch.example', confirmed: false },
      rcptTo: 'x@elsewhere.example',
    });
    assert.equal(unconfirmed.decision, 'refuse');
    const failed = decideRcpt(server, {
      clientAddress: '203.0.113.9',
      reverseDns: { status: 'error', reason: 'timeout' },
      rcptTo: 'x@elsewhere.example',
    });
    assert.equal(failed.decision, 'tempfail');
    assert.equal(formatReply(failed.reply), '450 4.7.1 <x@elsewhere.example>: Recipient address rejected: unable to verify client hostname');
    const notLookedUp = decideRcpt(server, { clientAddress: '203.0.113.9', rcptTo: 'x@elsewhere.example' });
    assert.equal(notLookedUp.decision, 'tempfail');
    assert.equal(notLookedUp.needsReverseDns, true);
  });

  test('relay for authenticated users can be turned off', () => {
    const strict = compiledServer({ relay: { authenticated: false } });
    assert.equal(decideRcpt(strict, { clientAddress: '192.0.2.1', user: 'a@example.test', rcptTo: 'x@elsewhere.example' }).decision, 'refuse');
  });

  test('an open relay accepts anyone, and the trace names the setting', () => {
    const open = compiledServer({ relay: { anyone: true, source: src(90, 9) } });
    const decision = decideRcpt(open, { clientAddress: '192.0.2.1', rcptTo: 'x@elsewhere.example' });
    assert.equal(decision.route, 'relay');
    assert.equal(decision.trace.at(-1)!.source, src(90, 9));
  });

  test('a recipient without a domain is not local (the bare postmaster excepted: see postmaster.test.ts)', () => {
    assert.equal(decideRcpt(server, { ...outside, rcptTo: 'webmaster' }).decision, 'refuse');
  });
});
