import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decideConnect, needsReverseDns } from '../../../runtime/policy/index.js';
import { cidrItem, domainItem, src } from '../fixtures/config-builder.js';
import { compiledServer, traceSources } from './helpers.js';

const confirmed = (name: string) => ({ status: 'found', name, confirmed: true }) as const;

describe('connection control: deny-list ("all except the list below")', () => {
  const server = compiledServer({
    connections: {
      mode: 'deny-list',
      entries: [cidrItem('192.0.2.0/24', src(30, 5)), cidrItem('2001:db8:bad::/48', src(31, 5)), domainItem('spam.example', src(32, 5))],
      source: src(29),
    },
  });

  test('an excluded address is refused at connect with 554 5.7.1, naming the entry', () => {
    const decision = decideConnect(server, { clientAddress: '192.0.2.77' });
    assert.equal(decision.decision, 'refuse');
    assert.equal(decision.stage, 'connect');
    assert.deepEqual(decision.reply, { code: 554, enhanced: '5.7.1', text: 'Access denied' });
    assert.ok(traceSources(decision.trace).includes(src(30, 5)));
    assert.match(decision.trace.at(-1)!.result, /192\.0\.2\.0\/24/);
  });

  test('an excluded address is refused without a reverse lookup', () => {
    assert.equal(needsReverseDns(server, '192.0.2.77'), false);
    assert.equal(decideConnect(server, { clientAddress: '192.0.2.77' }).decision, 'refuse');
  });

  test('an IPv4-mapped IPv6 client is matched as its IPv4 address', () => {
    const decision = decideConnect(server, { clientAddress: '::ffff:192.0.2.1' });
    assert.equal(decision.decision, 'refuse');
    assert.match(decision.trace[1]!.step, /client address 192\.0\.2\.1 /);
  });

  test('an IPv6 client inside an excluded IPv6 network is refused; one outside is admitted', () => {
    assert.equal(decideConnect(server, { clientAddress: '2001:DB8:BAD:0::1', reverseDns: { status: 'none' } }).decision, 'refuse');
    const outside = decideConnect(server, { clientAddress: '2001:db8:bad0::1', reverseDns: { status: 'none' } });
    assert.equal(outside.decision, 'accept');
    assert.equal(outside.reply.code, 220);
  });

  test('a confirmed PTR under an excluded domain is refused; unconfirmed is no match', () => {
    const refused = decideConnect(server, { clientAddress: '198.51.100.1', reverseDns: confirmed('Host.SPAM.example.') });
    assert.equal(refused.decision, 'refuse');
    assert.ok(traceSources(refused.trace).includes(src(32, 5)));
    const unconfirmed = decideConnect(server, {
      clientAddress: '198.51.100.1',
      reverseDns: { status: 'found', name: 'host.spam.example', confirmed: false },
    });
    assert.equal(unconfirmed.decision, 'accept');
  });

  test('a failed lookup, when a domain entry could decide, is a temporary refusal (fail closed)', () => {
    const decision = decideConnect(server, { clientAddress: '198.51.100.1', reverseDns: { status: 'error', reason: 'timeout' } });
    assert.equal(decision.decision, 'tempfail');
    assert.equal(decision.reply.code, 421);
    assert.equal(decision.reply.enhanced, '4.7.0');
    assert.match(decision.trace.at(-1)!.result, /timeout/);
  });
});

describe('connection control: allow-list ("only the list below")', () => {
  const server = compiledServer({
    connections: {
      mode: 'allow-list',
      entries: [cidrItem('10.0.0.0/8', src(40, 3), 'office'), domainItem('partner.example', src(41, 3))],
      source: src(39),
    },
  });

  test('an address entry admits without DNS', () => {
    assert.equal(needsReverseDns(server, '10.20.30.40'), false);
    const decision = decideConnect(server, { clientAddress: '10.20.30.40' });
    assert.equal(decision.decision, 'accept');
    assert.deepEqual(decision.reply, { code: 220, enhanced: '', text: 'mail.example.test ESMTP' });
    assert.match(decision.trace[1]!.result, /10\.0\.0\.0\/8 \(list office\)/);
    assert.equal(decision.trace[1]!.source, src(40, 3));
  });

  test('a domain entry with a forward-confirmed PTR is accepted', () => {
    const decision = decideConnect(server, { clientAddress: '203.0.113.5', reverseDns: confirmed('mx1.partner.example') });
    assert.equal(decision.decision, 'accept');
    assert.equal(decision.trace.at(-1)!.source, src(41, 3));
  });

  test('the domain itself matches; a look-alike suffix does not', () => {
    assert.equal(decideConnect(server, { clientAddress: '203.0.113.5', reverseDns: confirmed('partner.example') }).decision, 'accept');
    assert.equal(decideConnect(server, { clientAddress: '203.0.113.5', reverseDns: confirmed('evilpartner.example') }).decision, 'refuse');
  });

  test('an unconfirmed PTR is refused', () => {
    const decision = decideConnect(server, {
      clientAddress: '203.0.113.5',
      reverseDns: { status: 'found', name: 'mx1.partner.example', confirmed: false },
    });
    assert.equal(decision.decision, 'refuse');
    assert.equal(decision.reply.code, 554);
    assert.match(decision.trace.at(-1)!.result, /not forward-confirmed/);
  });

  test('no PTR at all is refused', () => {
    assert.equal(decideConnect(server, { clientAddress: '203.0.113.5', reverseDns: { status: 'none' } }).decision, 'refuse');
  });

  test('a DNS failure gives 421 4.7.0, never an admission', () => {
    const decision = decideConnect(server, { clientAddress: '203.0.113.5', reverseDns: { status: 'error', reason: 'SERVFAIL' } });
    assert.equal(decision.decision, 'tempfail');
    assert.equal(decision.reply.code, 421);
    assert.equal(decision.needsReverseDns, undefined);
  });

  test('a lookup that was not made is a tempfail that says so', () => {
    assert.equal(needsReverseDns(server, '203.0.113.5'), true);
    const decision = decideConnect(server, { clientAddress: '203.0.113.5' });
    assert.equal(decision.decision, 'tempfail');
    assert.equal(decision.needsReverseDns, true);
    assert.match(decision.trace.at(-1)!.result, /not made/);
  });

  test('an allow-list without domain entries refuses strangers without DNS, naming the setting', () => {
    const addressOnly = compiledServer({
      connections: { mode: 'allow-list', entries: [cidrItem('::1/128', src(50))], source: src(49) },
    });
    assert.equal(needsReverseDns(addressOnly, '127.0.0.9'), false);
    const decision = decideConnect(addressOnly, { clientAddress: '127.0.0.9' });
    assert.equal(decision.decision, 'refuse');
    assert.equal(decision.trace.at(-1)!.source, src(49));
    assert.match(decision.trace.at(-1)!.result, /no entry matches/);
    assert.equal(decideConnect(addressOnly, { clientAddress: '0:0:0:0:0:0:0:1' }).decision, 'accept');
  });

  test('a garbage client address is refused', () => {
    assert.equal(decideConnect(server, { clientAddress: 'not-an-ip' }).decision, 'refuse');
  });
});

describe('needsReverseDns and relay grants', () => {
  test('a relay domain grant needs the lookup unless an address grant already applies', () => {
    const server = compiledServer({
      relay: { anyone: false, authenticated: true, entries: [cidrItem('10.1.0.0/16'), domainItem('branch.example')], source: null },
    });
    assert.equal(needsReverseDns(server, '10.1.2.3'), false);
    assert.equal(needsReverseDns(server, '10.2.2.3'), true);
  });

  test('the default config needs no lookup', () => {
    assert.equal(needsReverseDns(compiledServer(), '192.0.2.1'), false);
  });
});
