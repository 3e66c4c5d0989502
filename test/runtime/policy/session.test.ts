import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decideSession, formatReply } from '../../../runtime/policy/index.js';
import { cidrItem, domainItem, mechanismConfig, src } from '../fixtures/config-builder.js';
import { compiledServer, STRONG_TLS, traceSources } from './helpers.js';

// The article's two virtual servers: inbound (port 25, local domain, deny-list) and
// submission (TLS required, basic auth only over TLS, relay for authenticated users).
const inbound = compiledServer({
  name: 'inbound',
  connections: { mode: 'deny-list', entries: [cidrItem('192.0.2.0/24', src(5, 5))], source: src(4) },
  localDomains: [domainItem('example.test', src(6, 3))],
  tls: { mode: 'optional' },
});
const submission = compiledServer({
  name: 'submission',
  tls: { mode: 'required', minCipherBits: 128, source: src(12) },
  auth: { mechanisms: [mechanismConfig('PLAIN', 'users', src(14))], anonymous: false, source: src(13) },
  relay: { anyone: false, authenticated: true, entries: [], source: src(15) },
});

describe('decideSession (as explain uses it)', () => {
  test('stops at connect for an excluded client, with the entry in the trace', () => {
    const decision = decideSession(inbound, { clientAddress: '192.0.2.9', mailFrom: 'a@b.example', rcptTo: 'u@example.test' });
    assert.equal(decision.stage, 'connect');
    assert.equal(decision.decision, 'refuse');
    assert.ok(traceSources(decision.trace).includes(src(5, 5)));
  });

  test('local delivery from an admitted client walks every stage', () => {
    const decision = decideSession(inbound, { clientAddress: '198.51.100.1', mailFrom: 'a@b.example', rcptTo: 'u@example.test' });
    assert.equal(decision.decision, 'accept');
    assert.equal(decision.route, 'local');
    assert.ok(decision.trace.some((step) => step.step === 'connection control'));
    assert.ok(decision.trace.some((step) => step.step === 'session encryption'));
    assert.ok(traceSources(decision.trace).includes(src(6, 3)));
  });

  test('submission without TLS stops at MAIL with 530 5.7.0', () => {
    const decision = decideSession(submission, { clientAddress: '198.51.100.1', mailFrom: 'a@example.test', rcptTo: 'x@elsewhere.example' });
    assert.equal(decision.stage, 'mail');
    assert.equal(formatReply(decision.reply), '530 5.7.0 Must issue a STARTTLS command first');
  });

  test('a user who could not have authenticated (no TLS) is refused at auth', () => {
    const decision = decideSession(submission, { clientAddress: '198.51.100.1', user: 'a@example.test', mailFrom: 'a@example.test', rcptTo: 'x@elsewhere.example' });
    assert.equal(decision.stage, 'auth');
    assert.equal(decision.reply.code, 538);
  });

  test('authenticated over TLS: relayed, with auth and relay sources in the trace', () => {
    const decision = decideSession(submission, {
      clientAddress: '2001:db8::25',
      tls: STRONG_TLS,
      user: 'a@example.test',
      mailFrom: 'a@example.test',
      rcptTo: 'x@elsewhere.example',
    });
    assert.equal(decision.decision, 'accept');
    assert.equal(decision.route, 'relay');
    assert.ok(traceSources(decision.trace).includes(src(14)));
    assert.ok(traceSources(decision.trace).includes(src(15)));
  });

  test('unauthenticated over TLS: refused at MAIL (anonymous off)', () => {
    const decision = decideSession(submission, { clientAddress: '198.51.100.1', tls: STRONG_TLS, mailFrom: 'a@example.test', rcptTo: 'x@elsewhere.example' });
    assert.equal(formatReply(decision.reply!), '530 5.7.0 Authentication required');
  });

  test('a TLS version below min-version never negotiates: refused at the handshake, with no SMTP reply (not 538 at MAIL)', () => {
    const old = { ...STRONG_TLS, version: 'TLSv1.1' };
    const decision = decideSession(submission, { clientAddress: '198.51.100.1', tls: old, user: 'a@example.test', mailFrom: 'a@example.test', rcptTo: 'x@elsewhere.example' });
    assert.equal(decision.decision, 'refuse');
    assert.equal(decision.stage, 'tls');
    assert.equal(decision.reply, null);
    assert.equal(decision.trace.at(-1)?.source, src(12), 'the tls block decides');
  });

  test('a weak cipher does negotiate, and is refused later with 538 (the cipher minimum is the policy\'s check)', () => {
    const weak = { ...STRONG_TLS, cipher: 'TLS_CHACHA_64', cipherBits: 64 };
    const decision = decideSession(submission, { clientAddress: '198.51.100.1', tls: weak, user: 'a@example.test', mailFrom: 'a@example.test', rcptTo: 'x@elsewhere.example' });
    assert.equal(decision.stage, 'auth');
    assert.match(formatReply(decision.reply!), /^538 5\.7\.11 /);
  });

  test('TLS facts for a server without a certificate: no TLS can be negotiated at all', () => {
    const plain = compiledServer({ name: 'plain', tls: null });
    const decision = decideSession(plain, { clientAddress: '198.51.100.1', tls: STRONG_TLS, mailFrom: 'a@example.test', rcptTo: 'x@example.test' });
    assert.equal(decision.stage, 'tls');
    assert.equal(decision.reply, null);
  });
});
