import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeHarness, smarthostTarget } from './helpers/worker-harness.js';
import { startSmarthost, waitFor, type Smarthost } from './helpers/smarthost-fixture.js';
import { makeCertificate, type CertificateOptions } from '../../helpers/certificates.js';
import { messageText } from './helpers/spool-fixtures.js';
import { parseDsn } from './helpers/dsn-parse.js';
import { HOLD_REASON } from '../../../runtime/delivery/worker.js';
import { freePort } from '../../helpers/free-port.js';

/** The smart host is reached by address: its certificate names 127.0.0.1 (and localhost). */
const SMARTHOST_CERTIFICATE: CertificateOptions = { name: 'smarthost', commonName: '127.0.0.1', altNames: ['localhost'], ipAddresses: ['127.0.0.1'] };

test('relayed mail reaches the smart host with the exact bytes and the original envelope', { timeout: 15_000 }, async () => {
  const smarthost = await startSmarthost();
  const h = await makeHarness(smarthostTarget(smarthost.port));
  try {
    h.start();
    const message = messageText('relay', 'exact\r\nbytes\r\n');
    await h.accept(message, { mailFrom: 'alice@example.test', recipients: [{ address: 'x@remote.test', route: 'relay' }, { address: 'y@remote.test', route: 'relay' }] });
    await waitFor('the spool to empty', async () => (await h.spool.count()) === 0);
    assert.equal(smarthost.received.length, 1);
    assert.equal(smarthost.received[0]!.from, 'alice@example.test');
    assert.deepEqual(smarthost.received[0]!.to, ['x@remote.test', 'y@remote.test']);
    assert.equal(smarthost.received[0]!.raw.toString('latin1'), message);
  } finally {
    await h.cleanup();
    await smarthost.close();
  }
});

test('a smart host that is down, then up: the message is retried and delivered once', { timeout: 15_000 }, async () => {
  const port = await freePort();
  const h = await makeHarness(smarthostTarget(port));
  let smarthost: Smarthost | null = null;
  try {
    h.start();
    const id = await h.accept(messageText('later'), { recipients: [{ address: 'x@remote.test', route: 'relay' }] });
    const deferred = await waitFor('a deferral', async () => (await h.spool.readState(id))?.recipients[0]?.lastError ?? undefined);
    assert.equal(deferred.status, '4.4.1');
    assert.match(deferred.diagnostic, new RegExp(`127\\.0\\.0\\.1:${port}`));
    assert.equal(await h.spool.count(), 1, 'still queued');
    smarthost = await startSmarthost({ port });
    await waitFor('the spool to empty', async () => (await h.spool.count()) === 0);
    assert.equal(smarthost.received.length, 1);
  } finally {
    await h.cleanup();
    await smarthost?.close();
  }
});

test('one recipient refused permanently: a DSN for that one only, the other delivered once', { timeout: 15_000 }, async () => {
  const smarthost = await startSmarthost({ rcpt: (a) => (a === 'gone@remote.test' ? { code: 550, message: '5.1.1 <gone@remote.test>: user unknown' } : null) });
  const h = await makeHarness(smarthostTarget(smarthost.port));
  const outcomes: string[] = [];
  let dsns = 0;
  try {
    h.start({ metrics: { outcome: (route, outcome) => outcomes.push(`${route} ${outcome}`), attempt() {}, dsnQueued: () => dsns++ } });
    const id = await h.accept(messageText('partial'), {
      mailFrom: 'alice@example.test',
      recipients: [
        { address: 'gone@remote.test', route: 'relay' },
        { address: 'here@remote.test', route: 'relay' },
      ],
    });
    await waitFor('the spool to empty', async () => (await h.spool.count()) === 0);
    assert.equal(smarthost.received.length, 1);
    assert.deepEqual(smarthost.received[0]!.to, ['here@remote.test']);
    const bounces = await h.mailbox('alice@example.test');
    assert.equal(bounces.length, 1);
    const raw = bounces[0]!.replace(/^Return-Path: <>\r\nDelivered-To: [^\r]*\r\n/, '');
    const dsn = parseDsn(raw);
    assert.equal(dsn.reportType, 'delivery-status');
    assert.equal(dsn.headers.get('to'), '<alice@example.test>');
    assert.equal(dsn.headers.get('auto-submitted'), 'auto-replied');
    assert.equal(dsn.perMessage.get('reporting-mta'), 'dns; mail.example.test');
    assert.equal(dsn.perMessage.get('x-smtppolicy-queue-id'), id);
    assert.equal(dsn.perRecipient.length, 1);
    const [only] = dsn.perRecipient;
    assert.equal(only!.get('final-recipient'), 'rfc822; gone@remote.test');
    assert.equal(only!.get('action'), 'failed');
    assert.equal(only!.get('status'), '5.1.1');
    assert.equal(only!.get('remote-mta'), 'dns; 127.0.0.1');
    assert.equal(only!.get('diagnostic-code'), 'smtp; 550 5.1.1 <gone@remote.test>: user unknown');
    assert.match(dsn.originalHeaders, /^From: sender@remote.test\r\nTo: alice@example.test\r\nSubject: partial\r\n/);
    assert.match(dsn.human, /<gone@remote.test>: 550 5.1.1/);
    // what /metrics counts: one relayed recipient failed, one delivered, then the DSN itself
    // delivered locally to the sender
    assert.deepEqual(outcomes.sort(), ['local delivered', 'relay delivered', 'relay failed']);
    assert.equal(dsns, 1);
  } finally {
    await h.cleanup();
    await smarthost.close();
  }
});

test('TLS required but the smart host offers no STARTTLS: temporary failure, nothing sent in clear', { timeout: 15_000 }, async () => {
  const smarthost = await startSmarthost();
  const h = await makeHarness(smarthostTarget(smarthost.port, { tls: 'required' }));
  try {
    h.start();
    const id = await h.accept(messageText('secret'), { recipients: [{ address: 'x@remote.test', route: 'relay' }] });
    const state = await waitFor('a deferral', async () => {
      const s = await h.spool.readState(id);
      return s?.recipients[0]?.lastError ? s : undefined;
    });
    assert.equal(state.recipients[0]!.status, 'pending');
    assert.equal(state.recipients[0]!.lastError!.status, '4.7.10');
    assert.equal(smarthost.mailCommands, 0, 'no MAIL FROM was sent');
    assert.equal(smarthost.received.length, 0);
  } finally {
    await h.cleanup();
    await smarthost.close();
  }
});

test('TLS required with a verified certificate and AUTH from an environment variable', { timeout: 20_000 }, async () => {
  const h0 = await makeHarness();
  const certificate = makeCertificate({ ...SMARTHOST_CERTIFICATE, dir: h0.dir });
  const smarthost = await startSmarthost({ tls: certificate, auth: { user: 'relay-user', pass: 's3cret' } });
  const h = await makeHarness(smarthostTarget(smarthost.port, { tls: 'required', user: 'relay-user', password: { env: 'SMARTHOST_PASSWORD' } }));
  try {
    h.start({ env: {}, smarthostTls: { ca: certificate.cert } });
    const id = await h.accept(messageText('auth'), { recipients: [{ address: 'x@remote.test', route: 'relay' }] });
    const missing = await waitFor('a deferral', async () => (await h.spool.readState(id))?.recipients[0]?.lastError ?? undefined);
    assert.equal(missing.diagnostic, 'smart host password: environment variable SMARTHOST_PASSWORD is not set');
    assert.ok(h.logger.lines.some((l) => l.level === 'error' && /SMARTHOST_PASSWORD is not set/.test(l.msg)), 'logged as an error');
    await h.worker!.stop();
    h.start({ env: { SMARTHOST_PASSWORD: 's3cret' }, smarthostTls: { ca: certificate.cert } });
    await waitFor('the spool to empty', async () => (await h.spool.count()) === 0);
    assert.equal(smarthost.received.length, 1);
    assert.equal(smarthost.received[0]!.secure, true);
    assert.equal(smarthost.received[0]!.user, 'relay-user');
  } finally {
    await h.cleanup();
    await h0.cleanup();
    await smarthost.close();
  }
});

test('an untrusted smart-host certificate is a temporary failure while verification is on', { timeout: 20_000 }, async () => {
  const h = await makeHarness();
  const smarthost = await startSmarthost({ tls: makeCertificate({ ...SMARTHOST_CERTIFICATE, dir: h.dir }) });
  const relay = await makeHarness(smarthostTarget(smarthost.port, { tls: 'required' }));
  try {
    relay.start();
    const id = await relay.accept(messageText('untrusted'), { recipients: [{ address: 'x@remote.test', route: 'relay' }] });
    const error = await waitFor('a deferral', async () => (await relay.spool.readState(id))?.recipients[0]?.lastError ?? undefined);
    assert.match(error.status, /^4\./);
    assert.match(error.diagnostic, /certificate/i);
    assert.equal(smarthost.received.length, 0);
  } finally {
    await relay.cleanup();
    await h.cleanup();
    await smarthost.close();
  }
});

test('relay-to hold keeps the message queued with its reason until a smart host is configured', { timeout: 15_000 }, async () => {
  const smarthost = await startSmarthost();
  const h = await makeHarness();
  try {
    const worker = h.start();
    const id = await h.accept(messageText('held'), { recipients: [{ address: 'x@remote.test', route: 'relay' }] });
    const state = await waitFor('the hold', async () => {
      const s = await h.spool.readState(id);
      return s?.recipients[0]?.heldReason ? s : undefined;
    });
    assert.equal(state.recipients[0]!.heldReason, HOLD_REASON);
    assert.equal(state.recipients[0]!.nextAttemptAt, null);
    worker.updateConfig({ ...h.config, servers: [{ ...h.config.servers[0]!, relayTo: smarthostTarget(smarthost.port) }] });
    await waitFor('the spool to empty', async () => (await h.spool.count()) === 0);
    assert.equal(smarthost.received.length, 1);
  } finally {
    await h.cleanup();
    await smarthost.close();
  }
});

test('mail that stays undeliverable past the queue lifetime is bounced with status 4.4.7', { timeout: 15_000 }, async () => {
  const port = await freePort();
  const h = await makeHarness(smarthostTarget(port));
  try {
    h.start({ maxQueueLifetimeMs: 300 });
    await h.accept(messageText('expire'), { mailFrom: 'alice@example.test', recipients: [{ address: 'x@remote.test', route: 'relay' }] });
    await waitFor('the spool to empty', async () => (await h.spool.count()) === 0);
    const [bounce] = await h.mailbox('alice@example.test');
    const dsn = parseDsn(bounce!.replace(/^Return-Path: <>\r\nDelivered-To: [^\r]*\r\n/, ''));
    assert.equal(dsn.perRecipient[0]!.get('status'), '4.4.7');
    assert.match(dsn.perRecipient[0]!.get('diagnostic-code')!, /^x-smtppolicy; delivery time expired; last error: smart host 127\.0\.0\.1:/);
  } finally {
    await h.cleanup();
  }
});

test('after a restart, recipients already recorded as delivered are not delivered again', { timeout: 15_000 }, async () => {
  const smarthost = await startSmarthost();
  const h = await makeHarness(smarthostTarget(smarthost.port));
  try {
    const id = await h.accept(messageText('resume'), {
      recipients: [
        { address: 'done@remote.test', route: 'relay' },
        { address: 'todo@remote.test', route: 'relay' },
        { address: 'alice@example.test', route: 'local' },
      ],
    });
    // The state a previous run left when it died after delivering two of three recipients.
    const { initialState } = await import('../../../runtime/delivery/worker.js');
    const state = initialState(await h.spool.readEnvelope(id));
    for (const r of state.recipients) {
      if (r.address !== 'todo@remote.test') Object.assign(r, { status: 'delivered', attempts: 1, completedAt: new Date().toISOString(), nextAttemptAt: null });
    }
    await h.spool.writeState(state);
    h.start();
    await waitFor('the spool to empty', async () => (await h.spool.count()) === 0);
    assert.equal(smarthost.received.length, 1);
    assert.deepEqual(smarthost.received[0]!.to, ['todo@remote.test']);
    assert.deepEqual(await h.mailbox('alice@example.test'), []);
  } finally {
    await h.cleanup();
    await smarthost.close();
  }
});
