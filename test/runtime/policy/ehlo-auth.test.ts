import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decideAuth, ehloAdvertisement } from '../../../runtime/policy/index.js';
import { mechanismConfig, src } from '../fixtures/config-builder.js';
import { AES128_TLS, compiledServer, STRONG_TLS, WEAK_TLS } from './helpers.js';

const mechanisms = [mechanismConfig('PLAIN', 'users', src(60)), mechanismConfig('LOGIN', 'users', src(61)), mechanismConfig('CRAM-MD5', 'users', src(62))];

describe('EHLO and AUTH when TLS is required (the article: basic auth only with TLS)', () => {
  const server = compiledServer({ tls: { mode: 'required', minCipherBits: 128, source: src(20) }, auth: { mechanisms, source: src(59) } });

  test('before STARTTLS: STARTTLS offered, no AUTH at all', () => {
    const ehlo = ehloAdvertisement(server, { clientAddress: '192.0.2.1' });
    assert.equal(ehlo.starttls, true);
    assert.deepEqual(ehlo.authMechanisms, []);
    assert.equal(ehlo.sizeLimit, 10 * 1024 * 1024);
    const authStep = ehlo.trace.find((step) => step.step === 'AUTH mechanisms offered');
    assert.equal(authStep?.source, src(20));
  });

  test('AUTH PLAIN before STARTTLS is refused with 538 5.7.11', () => {
    const decision = decideAuth(server, { clientAddress: '192.0.2.1' }, 'plain');
    assert.equal(decision.decision, 'refuse');
    assert.deepEqual(decision.reply, { code: 538, enhanced: '5.7.11', text: 'Encryption required for requested authentication mechanism' });
  });

  test('even CRAM-MD5 waits for TLS when TLS is required', () => {
    assert.equal(decideAuth(server, { clientAddress: '192.0.2.1' }, 'CRAM-MD5').reply.code, 538);
  });

  test('after STARTTLS: no STARTTLS, every mechanism', () => {
    const ehlo = ehloAdvertisement(server, { clientAddress: '192.0.2.1', tls: STRONG_TLS });
    assert.equal(ehlo.starttls, false);
    assert.deepEqual(ehlo.authMechanisms, ['PLAIN', 'LOGIN', 'CRAM-MD5']);
    const decision = decideAuth(server, { clientAddress: '192.0.2.1', tls: AES128_TLS }, 'LOGIN');
    assert.equal(decision.decision, 'accept');
    assert.equal(decision.trace[0]!.source, src(61));
  });

  test('a weak cipher (56 bits, 128 required) gets no AUTH and a refusal that says why', () => {
    assert.deepEqual(ehloAdvertisement(server, { clientAddress: '192.0.2.1', tls: WEAK_TLS }).authMechanisms, []);
    const decision = decideAuth(server, { clientAddress: '192.0.2.1', tls: WEAK_TLS }, 'PLAIN');
    assert.equal(decision.decision, 'refuse');
    assert.equal(decision.reply.code, 538);
    assert.match(decision.reply.text, /weak cipher DES-CBC-SHA \(56 bits, 128 required\)/);
  });

  test('a mechanism the server does not offer is 504 5.5.4', () => {
    const decision = decideAuth(server, { clientAddress: '192.0.2.1', tls: STRONG_TLS }, 'XOAUTH2');
    assert.deepEqual(decision.reply, { code: 504, enhanced: '5.5.4', text: 'Unrecognized authentication type' });
  });

  test('AUTH after authenticating is refused', () => {
    assert.equal(decideAuth(server, { clientAddress: '192.0.2.1', tls: STRONG_TLS, user: 'a@example.test' }, 'PLAIN').reply.code, 503);
  });
});

describe('EHLO and AUTH when TLS is optional', () => {
  const server = compiledServer({ tls: { mode: 'optional' }, auth: { mechanisms: [...mechanisms, mechanismConfig('XOAUTH2')] } });

  test('before STARTTLS only CRAM-MD5 (it does not reveal the password)', () => {
    assert.deepEqual(ehloAdvertisement(server, { clientAddress: '192.0.2.1' }).authMechanisms, ['CRAM-MD5']);
    assert.equal(decideAuth(server, { clientAddress: '192.0.2.1' }, 'CRAM-MD5').decision, 'accept');
    for (const revealing of ['PLAIN', 'LOGIN', 'XOAUTH2']) {
      assert.equal(decideAuth(server, { clientAddress: '192.0.2.1' }, revealing).reply.code, 538, revealing);
    }
  });

  test('after STARTTLS everything', () => {
    assert.deepEqual(ehloAdvertisement(server, { clientAddress: '192.0.2.1', tls: STRONG_TLS }).authMechanisms, ['PLAIN', 'LOGIN', 'CRAM-MD5', 'XOAUTH2']);
  });
});

describe('EHLO without a certificate, and on implicit TLS', () => {
  test('no certificate: no STARTTLS, configured mechanisms offered as the config says', () => {
    const server = compiledServer({ auth: { mechanisms: [mechanismConfig('PLAIN')] } });
    const ehlo = ehloAdvertisement(server, { clientAddress: '192.0.2.1' });
    assert.equal(ehlo.starttls, false);
    assert.deepEqual(ehlo.authMechanisms, ['PLAIN']);
  });

  test('no mechanisms: no AUTH line, AUTH is 504', () => {
    const server = compiledServer({ tls: {} });
    assert.deepEqual(ehloAdvertisement(server, { clientAddress: '192.0.2.1', tls: STRONG_TLS }).authMechanisms, []);
    assert.equal(decideAuth(server, { clientAddress: '192.0.2.1', tls: STRONG_TLS }, 'PLAIN').reply.code, 504);
  });

  test('an implicit-TLS session (tls facts from the start) gets no STARTTLS', () => {
    const server = compiledServer({ tls: {}, listen: [{ address: '127.0.0.1', port: 465, tlsMode: 'implicit', source: src(12) }] });
    assert.equal(ehloAdvertisement(server, { clientAddress: '127.0.0.1', tls: STRONG_TLS }).starttls, false);
  });

  test('TLS older than minVersion counts as weak', () => {
    const server = compiledServer({ tls: { minVersion: 'TLSv1.2' }, auth: { mechanisms: [mechanismConfig('PLAIN')] } });
    const facts = { clientAddress: '192.0.2.1', tls: { version: 'TLSv1.1', cipher: 'AES256-SHA', cipherBits: 256 } };
    assert.deepEqual(ehloAdvertisement(server, facts).authMechanisms, []);
    assert.match(decideAuth(server, facts, 'PLAIN').reply.text, /TLSv1\.1 is older than the required TLSv1\.2/);
  });
});
