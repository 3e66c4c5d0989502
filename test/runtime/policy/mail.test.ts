import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decideMail, formatReply } from '../../../runtime/policy/index.js';
import { src } from '../fixtures/config-builder.js';
import { AES128_TLS, compiledServer, STRONG_TLS, WEAK_TLS } from './helpers.js';

describe('MAIL FROM', () => {
  const required = compiledServer({ tls: { mode: 'required', minCipherBits: 128, source: src(20, 3) } });

  test('before STARTTLS when TLS is required: 530 5.7.0 Must issue a STARTTLS command first', () => {
    const decision = decideMail(required, { clientAddress: '192.0.2.1', mailFrom: 'a@example.test' });
    assert.equal(decision.decision, 'refuse');
    assert.equal(formatReply(decision.reply), '530 5.7.0 Must issue a STARTTLS command first');
    assert.equal(decision.trace[0]!.source, src(20, 3));
  });

  test('with a weak cipher when 128 bits are required: 538 5.7.11 naming the weak cipher', () => {
    const decision = decideMail(required, { clientAddress: '192.0.2.1', tls: WEAK_TLS, mailFrom: 'a@example.test' });
    assert.equal(decision.reply.code, 538);
    assert.equal(decision.reply.enhanced, '5.7.11');
    assert.match(decision.reply.text, /^Encryption required: weak cipher/);
  });

  test('exactly 128 bits meets a 128-bit minimum', () => {
    assert.equal(decideMail(required, { clientAddress: '192.0.2.1', tls: AES128_TLS, mailFrom: '' }).decision, 'accept');
  });

  test('TLS optional: plain MAIL is accepted', () => {
    const optional = compiledServer({ tls: { mode: 'optional' } });
    const decision = decideMail(optional, { clientAddress: '192.0.2.1', mailFrom: 'a@example.test' });
    assert.equal(formatReply(decision.reply), '250 2.1.0 Ok');
  });

  test('anonymous access off: 530 5.7.0 Authentication required until authenticated', () => {
    const server = compiledServer({ auth: { anonymous: false, source: src(70) } });
    const refused = decideMail(server, { clientAddress: '192.0.2.1', mailFrom: 'a@example.test' });
    assert.equal(formatReply(refused.reply), '530 5.7.0 Authentication required');
    assert.equal(refused.trace.at(-1)!.source, src(70));
    assert.equal(decideMail(server, { clientAddress: '192.0.2.1', mailFrom: 'a@example.test', user: 'a@example.test' }).decision, 'accept');
  });

  test('senderMustMatch: another address is 553 5.7.1; the domain compares case-insensitively', () => {
    const server = compiledServer({ auth: { senderMustMatch: true } });
    const facts = { clientAddress: '192.0.2.1', tls: STRONG_TLS, user: 'alice@example.test' };
    const refused = decideMail(server, { ...facts, mailFrom: 'bob@example.test' });
    assert.equal(formatReply(refused.reply), '553 5.7.1 <bob@example.test>: Sender address rejected: not owned by user alice@example.test');
    assert.equal(decideMail(server, { ...facts, mailFrom: 'alice@EXAMPLE.Test' }).decision, 'accept');
    assert.equal(decideMail(server, { ...facts, mailFrom: 'Alice@example.test' }).decision, 'refuse');
    assert.equal(decideMail(server, { ...facts, mailFrom: '' }).decision, 'accept');
  });

  test('client text in a reply cannot break the reply line', () => {
    const server = compiledServer({ auth: { senderMustMatch: true } });
    const decision = decideMail(server, { clientAddress: '192.0.2.1', user: 'a@x.test', mailFrom: 'b@x.test\r\n250 ok' });
    assert.doesNotMatch(decision.reply.text, /[\r\n]/);
  });
});
