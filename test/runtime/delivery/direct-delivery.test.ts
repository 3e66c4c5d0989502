// `relay-to direct` on real parts: dnsmasq as the policy's resolver, SMTP sinks as MX hosts
// on 127.25.x.y:25, an HTTPS server for MTA-STS (helpers/mx-world.ts says who is who). One
// world for the file; each test has its own spool and worker.
import assert from 'node:assert/strict';
import { after, describe, it, type TestContext } from 'node:test';
import type { DeliveryState } from '../../../runtime/delivery/delivery-state.js';
import { createDnsResolver } from '../../../runtime/dns/dns-resolver.js';
import { findMailExchangers } from '../../../runtime/dns/mail-exchangers.js';
import { makeHarness, type Harness } from './helpers/worker-harness.js';
import { startMxWorld, type MxWorld } from './helpers/mx-world.js';
import { waitFor } from './helpers/smarthost-fixture.js';
import { messageText } from './helpers/spool-fixtures.js';
import { parseDsn } from './helpers/dsn-parse.js';
import { makeRuntimeConfig } from '../fixtures/config-builder.js';

const SENDER = 'alice@example.test';

let world: Promise<MxWorld | null> | undefined;
after(async () => (await world)?.close());

/** A harness whose server delivers relayed mail directly, through the world's resolver. */
async function direct(t: TestContext): Promise<{ w: MxWorld; h: Harness } | null> {
  world ??= startMxWorld(t, makeRuntimeConfig().resolver);
  const w = await world;
  if (!w) return null;
  const h = await makeHarness({ kind: 'direct', source: 'fixture.smtppolicy:40:1' });
  h.config.resolver = w.resolver;
  t.after(() => h.cleanup());
  h.start({ mxTimeoutMs: 5000, mtaStsTls: { ca: w.ca.cert } });
  return { w, h };
}

async function send(h: Harness, subject: string, to: string[]): Promise<string> {
  return h.accept(messageText(subject), { mailFrom: SENDER, recipients: to.map((address) => ({ address, route: 'relay' as const })) });
}

/** The state once every recipient has an outcome or an error (a deferral), whichever comes first. */
async function settled(h: Harness, id: string): Promise<DeliveryState> {
  return waitFor('an attempt', async () => {
    const state = await h.spool.readState(id);
    return state && state.recipients.every((r) => r.lastError !== null || r.status !== 'pending') ? state : undefined;
  });
}

/** The one DSN in the sender's mailbox, parsed. */
async function dsnToSender(h: Harness) {
  const bounces = await waitFor('a DSN to the sender', async () => {
    const mail = await h.mailbox(SENDER);
    return mail.length > 0 ? mail : undefined;
  });
  assert.equal(bounces.length, 1);
  return parseDsn(bounces[0]!.replace(/^Return-Path: <>\r\nDelivered-To: [^\r]*\r\n/, ''));
}

describe('direct delivery to MX hosts', () => {
  it('goes to the most preferred MX that answers, in EHLO with the server hostname', { timeout: 20_000 }, async (t) => {
    const setup = await direct(t);
    if (!setup) return;
    const { w, h } = setup;
    const before = { mx2: w.sinks.mx2.received.length, mx3: w.sinks.mx3.received.length };
    await send(h, 'preference', ['bob@pref.test', 'carol@pref.test']);
    await waitFor('the spool to empty', async () => (await h.spool.count()) === 0);
    // mx1 (preference 10) refuses the connection: mx2 (20) takes it, mx3 (30) is never asked
    assert.equal(w.sinks.mx2.received.length, before.mx2 + 1);
    assert.equal(w.sinks.mx3.received.length, before.mx3);
    const got = w.sinks.mx2.received.at(-1)!;
    assert.deepEqual(got.to, ['bob@pref.test', 'carol@pref.test']);
    assert.equal(got.from, SENDER);
    assert.equal(got.helo, 'mail.example.test');
    const delivered = h.logger.lines.find((l) => l.obj.event === 'delivered' && l.obj.recipient === 'bob@pref.test');
    assert.match(String(delivered?.obj.detail), /^MX mx2\.pref\.test \[127\.25\.1\.2\]:25: 250 /);
  });

  it('uses the domain itself when it has no MX record (its A record)', { timeout: 20_000 }, async (t) => {
    const setup = await direct(t);
    if (!setup) return;
    const { w, h } = setup;
    await send(h, 'implicit', ['dave@nomx.test']);
    await waitFor('the spool to empty', async () => (await h.spool.count()) === 0);
    assert.deepEqual(w.sinks.nomx.received.at(-1)?.to, ['dave@nomx.test']);
  });

  it('a null MX bounces at once: a DSN to the sender after one look at DNS, no connection', { timeout: 20_000 }, async (t) => {
    const setup = await direct(t);
    if (!setup) return;
    const { h } = setup;
    const id = await send(h, 'nullmx', ['erin@nullmx.test']);
    const dsn = await dsnToSender(h);
    assert.equal(dsn.perRecipient.length, 1);
    assert.equal(dsn.perRecipient[0]!.get('final-recipient'), 'rfc822; erin@nullmx.test');
    assert.equal(dsn.perRecipient[0]!.get('status'), '5.1.10');
    assert.match(dsn.perRecipient[0]!.get('diagnostic-code') ?? '', /accepts no mail \(null MX, RFC 7505\)/);
    const failed = h.logger.lines.filter((l) => l.obj.event === 'delivery-failed' && l.obj.queueId === id);
    assert.equal(failed.length, 1, 'failed on the first attempt, never deferred');
    assert.equal(h.logger.lines.filter((l) => l.obj.event === 'delivery-deferred' && l.obj.queueId === id).length, 0);
  });

  it('a temporary refusal (451) is retried with backoff and delivered once', { timeout: 20_000 }, async (t) => {
    const setup = await direct(t);
    if (!setup) return;
    const { w, h } = setup;
    const id = await send(h, 'greylisted', ['frank@temp.test']);
    const first = await settled(h, id);
    assert.equal(first.recipients[0]!.status, 'pending');
    assert.equal(first.recipients[0]!.lastError!.status, '4.7.1');
    assert.equal(first.recipients[0]!.lastError!.remoteMta, 'mx.temp.test');
    await waitFor('the spool to empty', async () => (await h.spool.count()) === 0);
    assert.deepEqual(w.sinks.temp.received.filter((m) => m.to.includes('frank@temp.test')).length, 1);
    assert.deepEqual(await h.mailbox(SENDER), [], 'no DSN');
  });

  it('a permanent refusal (550) sends a DSN naming the MX host and its reply', { timeout: 20_000 }, async (t) => {
    const setup = await direct(t);
    if (!setup) return;
    const { w, h } = setup;
    await send(h, 'unknown', ['gina@perm.test']);
    const dsn = await dsnToSender(h);
    const [only] = dsn.perRecipient;
    assert.equal(only!.get('status'), '5.1.1');
    assert.equal(only!.get('remote-mta'), 'dns; mx.perm.test');
    assert.equal(only!.get('diagnostic-code'), 'smtp; 550 5.1.1 <gina@perm.test>: user unknown');
    assert.equal(w.sinks.perm.received.length, 0);
    await waitFor('the spool to empty', async () => (await h.spool.count()) === 0);
  });

  it('uses STARTTLS when the MX offers it, whatever its certificate (opportunistic)', { timeout: 20_000 }, async (t) => {
    const setup = await direct(t);
    if (!setup) return;
    const { w, h } = setup;
    await send(h, 'opportunistic', ['hank@tls.test']);
    await waitFor('the spool to empty', async () => (await h.spool.count()) === 0);
    const got = w.sinks.tls.received.at(-1)!;
    assert.deepEqual(got.to, ['hank@tls.test']);
    assert.equal(got.secure, true, 'the message went over TLS');
  });

  it('a route sends a domain to its host and port instead of its MX', { timeout: 20_000 }, async (t) => {
    const setup = await direct(t);
    if (!setup) return;
    const { w, h } = setup;
    h.config.servers[0]!.routes = [{ domain: 'route.test', host: 'smtp.route.test', port: w.sinks.route.port, source: 'fixture.smtppolicy:41:1' }];
    await send(h, 'routed', ['ivy@route.test']);
    await waitFor('the spool to empty', async () => (await h.spool.count()) === 0);
    assert.deepEqual(w.sinks.route.received.at(-1)?.to, ['ivy@route.test']);
  });

  it('with relay-to hold, a route still delivers its domain while the rest waits', { timeout: 20_000 }, async (t) => {
    const setup = await direct(t);
    if (!setup) return;
    const { w, h } = setup;
    await h.worker!.stop();
    h.config.servers[0]!.relayTo = { kind: 'hold', source: null };
    h.config.servers[0]!.routes = [{ domain: 'route.test', host: 'smtp.route.test', port: w.sinks.route.port, source: 'fixture.smtppolicy:41:1' }];
    h.start({ mxTimeoutMs: 5000 });
    const id = await send(h, 'routed-hold', ['judy@route.test', 'kim@pref.test']);
    const state = await waitFor('the routed recipient delivered, the other held', async () => {
      const s = await h.spool.readState(id);
      return s && s.recipients[0]!.status === 'delivered' && s.recipients[1]!.heldReason !== null ? s : undefined;
    });
    assert.equal(state.recipients[1]!.status, 'pending');
    assert.deepEqual(w.sinks.route.received.at(-1)?.to, ['judy@route.test']);
  });
});

describe('MTA-STS (RFC 8461) in enforce mode', () => {
  it('requires TLS: an MX without STARTTLS gets nothing, the mail waits', { timeout: 20_000 }, async (t) => {
    const setup = await direct(t);
    if (!setup) return;
    const { w, h } = setup;
    const id = await send(h, 'enforce-plain', ['jack@sts.test']);
    const state = await settled(h, id);
    assert.equal(state.recipients[0]!.status, 'pending');
    assert.equal(state.recipients[0]!.lastError!.status, '4.7.10');
    assert.match(state.recipients[0]!.lastError!.diagnostic, /MX mx\.sts\.test \[127\.25\.2\.1\]:25 \(MTA-STS enforce\)/);
    assert.equal(w.sinks.sts.mailCommands, 0, 'no MAIL FROM in clear');
    assert.ok(w.policyFetches.includes('mta-sts.sts.test'), 'the policy was fetched over HTTPS');
  });

  it('delivers over TLS to an MX whose certificate is valid for its name', { timeout: 20_000 }, async (t) => {
    const setup = await direct(t);
    if (!setup) return;
    const { w, h } = setup;
    await send(h, 'enforce-good', ['kate@sts2.test']);
    await waitFor('the spool to empty', async () => (await h.spool.count()) === 0);
    const got = w.sinks.sts2.received.at(-1)!;
    assert.deepEqual(got.to, ['kate@sts2.test']);
    assert.equal(got.secure, true);
  });

  it('refuses an MX whose certificate nobody vouches for: the mail waits', { timeout: 20_000 }, async (t) => {
    const setup = await direct(t);
    if (!setup) return;
    const { w, h } = setup;
    const id = await send(h, 'enforce-bad-cert', ['leo@sts3.test']);
    const state = await settled(h, id);
    assert.equal(state.recipients[0]!.status, 'pending');
    assert.equal(state.recipients[0]!.lastError!.status, '4.7.5');
    assert.match(state.recipients[0]!.lastError!.diagnostic, /^MX mx\.sts3\.test \[127\.25\.2\.4\]:25 \(MTA-STS enforce\): self-signed certificate/);
    assert.equal(w.sinks.sts3.received.length, 0);
  });
});

describe('MTA-STS announced but unavailable', () => {
  it('delivers as without a policy (first contact) and says why in the log', { timeout: 20_000 }, async (t) => {
    const setup = await direct(t);
    if (!setup) return;
    const { w, h } = setup;
    await send(h, 'sts-unavailable', ['mia@sts4.test']);
    await waitFor('the spool to empty', async () => (await h.spool.count()) === 0);
    assert.deepEqual(w.sinks.mx2.received.at(-1)?.to, ['mia@sts4.test']);
    const note = h.logger.lines.find((l) => l.obj.event === 'mta-sts-unavailable');
    assert.equal(note?.level, 'warn');
    assert.equal(note?.obj.domain, 'sts4.test');
    assert.match(String(note?.obj.note), /^MTA-STS policy of sts4\.test could not be fetched: .*ECONNREFUSED/);
  });
});

describe('MX lookup through the policy resolver', () => {
  it('orders hosts of equal preference at random: each comes first for some draw', async (t) => {
    world ??= startMxWorld(t, makeRuntimeConfig().resolver);
    const w = await world;
    if (!w) return;
    const resolver = createDnsResolver(w.resolver);
    const firsts = new Set<string>();
    for (const draw of [0, 0.99]) {
      const found = await findMailExchangers(resolver, 'equal.test', () => draw);
      assert.equal(found.kind, 'hosts');
      if (found.kind === 'hosts') firsts.add(found.hosts[0]!.name);
    }
    assert.deepEqual([...firsts].sort(), ['a.equal.test', 'b.equal.test']);
  });

  it('tells a domain that does not exist (permanent) from one with a null MX', async (t) => {
    world ??= startMxWorld(t, makeRuntimeConfig().resolver);
    const w = await world;
    if (!w) return;
    const resolver = createDnsResolver(w.resolver);
    assert.equal((await findMailExchangers(resolver, 'nosuch.test')).kind, 'no-mail-domain');
    assert.equal((await findMailExchangers(resolver, 'nullmx.test')).kind, 'null-mx');
  });
});
