// The rate limits' meaning (runtime/policy/rate-limits.ts), in-process: which limits an
// event counts against and under which key, who is exempt, the reply for each limit when
// the shared state says the window is full, and what explain shows without counts.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decideConnect, decideMail, decideRcpt, decideSession, formatReply, rateLimitsFor, type SessionFacts } from '../../../runtime/policy/index.js';
import type { RateLimitConfig } from '../../../runtime/config/types.js';
import { cidrItem, domainItem, src } from '../fixtures/config-builder.js';
import { compiledServer } from './helpers.js';

const rate = (event: RateLimitConfig['event'], per: RateLimitConfig['per'], line: number): RateLimitConfig => ({ event, per, count: 10, periodMs: 60_000, source: src(line, 5) });

const server = compiledServer({
  hostname: 'mx.example.test',
  localDomains: [domainItem('example.test', src(2, 3))],
  relay: { anyone: false, authenticated: true, entries: [cidrItem('10.9.0.0/16', src(3, 3))], source: src(3) },
  limits: {
    rates: [
      rate('connection', 'address', 10),
      rate('connection', 'network', 11),
      rate('message', 'address', 12),
      rate('message', 'user', 13),
      rate('recipient', 'network', 14),
      rate('recipient', 'user', 15),
    ],
  },
});

const client: SessionFacts = { clientAddress: '198.51.100.20', mailFrom: 'a@outside.example', rcptTo: 'bob@example.test' };
const over = (name: string) => ({ [name]: { allowed: false, retryAfterMs: 42_000 } });
const within = (...names: string[]) => Object.fromEntries(names.map((name) => [name, { allowed: true, retryAfterMs: 0 }]));

describe('rate limits: which apply, under which key', () => {
  test('each event counts against its own limits; the user limits only once a user logged in (lower-case key)', () => {
    const keys = (event: RateLimitConfig['event'], facts: SessionFacts) => rateLimitsFor(server, event, facts).applies.map((a) => `${a.name} ${a.key}`);
    assert.deepEqual(keys('connection', client), ['connection-rate-per-address connection:address:198.51.100.20', 'connection-rate-per-network connection:network:198.51.100.0/24']);
    assert.deepEqual(keys('message', client), ['message-rate-per-address message:address:198.51.100.20']);
    assert.deepEqual(keys('message', { ...client, user: 'Alice@Example.test' }), ['message-rate-per-address message:address:198.51.100.20', 'message-rate-per-user message:user:alice@example.test']);
    assert.deepEqual(keys('recipient', { ...client, clientAddress: '2001:db8:1:2:3::9' }), ['recipient-rate-per-network recipient:network:2001:db8:1:2::/64']);
  });

  test('a client a relay grant trusts by address is exempt from the address and network limits, not from its user limit', () => {
    const trusted = { ...client, clientAddress: '10.9.3.4', user: 'alice@example.test' };
    const found = rateLimitsFor(server, 'message', trusted);
    assert.deepEqual(found.applies.map((a) => a.name), ['message-rate-per-user']);
    assert.equal(found.exempt?.result, 'exempt: the relay grant 10.9.0.0/16 trusts it');
    assert.equal(found.exempt?.source, src(3, 3));
  });
});

describe('rate limits: the reply when a window is full', () => {
  test('connection rate: 421 4.7.0 with the host name and the address or network, tempfail at connect', () => {
    const byAddress = decideConnect(server, { ...client, rates: { ...within('connection-rate-per-network'), ...over('connection-rate-per-address') } });
    assert.equal(byAddress.decision, 'tempfail');
    assert.equal(formatReply(byAddress.reply), '421 4.7.0 mx.example.test Error: too many connections from 198.51.100.20');
    assert.equal(byAddress.rateLimit, 'connection-rate-per-address');
    assert.equal(byAddress.trace.at(-1)!.source, src(10, 5));
    assert.match(byAddress.trace.at(-1)!.result, /exceeded: refused, the window ends in 42s/);
    const byNetwork = decideConnect(server, { ...client, rates: { ...within('connection-rate-per-address'), ...over('connection-rate-per-network') } });
    assert.equal(formatReply(byNetwork.reply), '421 4.7.0 mx.example.test Error: too many connections from 198.51.100.0/24');
  });

  test('a client connection control refuses gets its 554, not the rate 421', () => {
    const denied = compiledServer({ connections: { mode: 'allow-list', entries: [], source: src(1) }, limits: { rates: [rate('connection', 'address', 10)] } });
    const decision = decideConnect(denied, { ...client, rates: over('connection-rate-per-address') });
    assert.equal(formatReply(decision.reply), '554 5.7.1 Access denied');
  });

  test('message rate: 450 4.7.1 Error: too much mail from the address, or from the user', () => {
    const byAddress = decideMail(server, { ...client, rates: over('message-rate-per-address') });
    assert.equal(byAddress.decision, 'tempfail');
    assert.equal(formatReply(byAddress.reply), '450 4.7.1 Error: too much mail from 198.51.100.20');
    const byUser = decideMail(server, { ...client, user: 'alice@example.test', rates: { ...within('message-rate-per-address'), ...over('message-rate-per-user') } });
    assert.equal(formatReply(byUser.reply), '450 4.7.1 Error: too much mail from user alice@example.test');
    assert.equal(byUser.rateLimit, 'message-rate-per-user');
  });

  test('recipient rate: 450 4.7.1 Error: too many recipients from the network, before the relay check', () => {
    const decision = decideRcpt(server, { ...client, rcptTo: 'x@elsewhere.example', rates: over('recipient-rate-per-network') });
    assert.equal(decision.decision, 'tempfail');
    assert.equal(formatReply(decision.reply), '450 4.7.1 Error: too many recipients from 198.51.100.0/24');
    const byUser = decideRcpt(server, { ...client, user: 'Bob', rates: { ...within('recipient-rate-per-network'), ...over('recipient-rate-per-user') } });
    assert.equal(formatReply(byUser.reply), '450 4.7.1 Error: too many recipients from user bob');
  });

  test('a user name with control characters cannot break the reply line', () => {
    const decision = decideMail(server, { ...client, user: 'eve\r\n250 ok', rates: { ...within('message-rate-per-address'), ...over('message-rate-per-user') } });
    assert.equal(formatReply(decision.reply), '450 4.7.1 Error: too much mail from user eve??250 ok');
  });

  test('within every limit the decisions are the same as without rate limits', () => {
    assert.equal(decideMail(server, { ...client, rates: within('message-rate-per-address') }).decision, 'accept');
    assert.equal(decideRcpt(server, { ...client, rates: within('recipient-rate-per-network') }).decision, 'accept');
    assert.equal(decideConnect(server, { ...client, rates: within('connection-rate-per-address', 'connection-rate-per-network') }).decision, 'accept');
  });
});

describe('rate limits in explain (no counts)', () => {
  test('the trace names every limit that applies and the reply a client over it gets', () => {
    const rateSteps = (trace: { step: string; result: string }[]) => trace.filter((s) => /-rate-per-/.test(s.step)).map((s) => `${s.step}: ${s.result}`);
    const session = decideSession(server, client);
    assert.equal(session.decision, 'accept');
    assert.deepEqual(rateSteps(session.trace), [
      'connection-rate-per-address 10/1m for 198.51.100.20: applies (counted by the server); over it: 421 4.7.0 mx.example.test Error: too many connections from 198.51.100.20',
      'connection-rate-per-network 10/1m for 198.51.100.0/24: applies (counted by the server); over it: 421 4.7.0 mx.example.test Error: too many connections from 198.51.100.0/24',
      'message-rate-per-address 10/1m for 198.51.100.20: applies (counted by the server); over it: 450 4.7.1 Error: too much mail from 198.51.100.20',
      'recipient-rate-per-network 10/1m for 198.51.100.0/24: applies (counted by the server); over it: 450 4.7.1 Error: too many recipients from 198.51.100.0/24',
    ]);
    const user = { ...client, user: 'alice@example.test' };
    assert.deepEqual(rateSteps(decideMail(server, user).trace).at(-1), 'message-rate-per-user 10/1m for user alice@example.test: applies (counted by the server); over it: 450 4.7.1 Error: too much mail from user alice@example.test');
    assert.deepEqual(rateSteps(decideRcpt(server, user).trace).at(-1), 'recipient-rate-per-user 10/1m for user alice@example.test: applies (counted by the server); over it: 450 4.7.1 Error: too many recipients from user alice@example.test');
  });

  test('without rate limits the trace has no rate steps', () => {
    const plain = compiledServer({ localDomains: [domainItem('example.test', src(2, 3))] });
    assert.equal(decideSession(plain, client).trace.some((s) => /rate/.test(s.step)), false);
  });
});
