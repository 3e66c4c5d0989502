import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decideRcpt, decideSession, formatReply } from '../../../runtime/policy/index.js';
import { domainItem, src } from '../fixtures/config-builder.js';
import { compiledServer } from './helpers.js';

const noRelay = { anyone: false, authenticated: false, entries: [], source: src(79) };
const outside = { clientAddress: '198.51.100.20', reverseDns: { status: 'none' } as const };

test('the bare postmaster, in any case, is local where relay is refused: delivered to the first local domain', () => {
  const server = compiledServer({ localDomains: [domainItem('Example.TEST', src(80, 3)), domainItem('other.test')], relay: noRelay });
  for (const rcpt of ['postmaster', 'PostMaster', 'POSTMASTER']) {
    const decision = decideRcpt(server, { ...outside, rcptTo: rcpt });
    assert.equal(decision.decision, 'accept', rcpt);
    assert.equal(formatReply(decision.reply), '250 2.1.5 Ok');
    assert.equal(decision.route, 'local');
    assert.equal(decision.deliverTo, 'postmaster@example.test');
    assert.equal(decision.trace.at(-1)!.source, src(80, 3), 'the local domain it maps to is the source');
  }
});

test('without local domains the bare postmaster goes to postmaster@<hostname>', () => {
  const server = compiledServer({ hostname: 'MX.example.test', localDomains: [], relay: noRelay });
  const decision = decideRcpt(server, { ...outside, rcptTo: 'postmaster' });
  assert.equal(decision.decision, 'accept');
  assert.equal(decision.deliverTo, 'postmaster@mx.example.test');
  assert.equal(decision.trace.at(-1)!.source, src(10), 'the server block is the source');
});

test('only the bare form is special: postmaster in another domain, or a longer name, is relaying', () => {
  const server = compiledServer({ localDomains: [domainItem('example.test')], relay: noRelay });
  for (const rcpt of ['postmaster@elsewhere.example', 'postmasters', 'postmaster@']) {
    const decision = decideRcpt(server, { ...outside, rcptTo: rcpt });
    assert.equal(decision.decision, 'refuse', rcpt);
    assert.equal(decision.deliverTo, undefined);
  }
  const local = decideRcpt(server, { ...outside, rcptTo: 'postmaster@example.test' });
  assert.equal(local.deliverTo, undefined, 'an ordinary local address is delivered as given');
});

test('MAIL-stage requirements still come first: a login-only server refuses the session before the postmaster', () => {
  const server = compiledServer({
    localDomains: [domainItem('example.test')], relay: noRelay,
    auth: { mechanisms: [], anonymous: false, senderMustMatch: false, source: src(30) },
  });
  const decision = decideSession(server, { ...outside, mailFrom: 'a@outside.example', rcptTo: 'postmaster' });
  assert.equal(formatReply(decision.reply!), '530 5.7.0 Authentication required');
});
