// Differential property: for random policies and random session facts, what a client sees
// over a real socket equals what runtime/policy decides, reply line for reply line (code,
// enhanced code and text), stage by stage (connect, EHLO
// advertisement, AUTH, MAIL, RCPT), and what is spooled carries the route the policy chose.
// One server per generated config, several sessions against it; about 300 sessions a run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConnectionOptions, TLSSocket } from 'node:tls';
import fc from 'fast-check';
import { startServer, type ServerHandle } from '../../../runtime/smtp/start-server.js';
import { decideAuth, decideConnect, decideMail, decideRcpt, ehloAdvertisement, type CompiledServer } from '../../../runtime/policy/index.js';
import { compileServer } from '../../../runtime/policy/compile.js';
import { formatReply, type RecipientRoute, type SessionFacts, type SmtpReply } from '../../../runtime/policy/types.js';
import { createReverseLookup } from '../../../runtime/dns/reverse-lookup.js';
import { startDnsmasq } from '../../helpers/dnsmasq.js';
import { tempDir } from '../../helpers/server-fixture.js';
import { plainAuth, type RawSmtpClient, type SmtpReplyLine } from '../../helpers/smtp-client.js';
import { CLIENT_ADDRESSES, DNS_RECORDS, EXPECTED_REVERSE_DNS, PASSWORD, TRUSTED_PROXY, USER, buildConfig, makeWorld, policyShape, type PolicyShape, type World } from './helpers/policy-world.js';
import { connectFrom, describeReply, sameReply, tlsFactsOf } from './helpers/session-client.js';

const CONFIGS = 40;
const SESSIONS_PER_CONFIG = 9;

interface SessionPlan {
  clientAddress: string;
  /** Directly, or through the trusted load balancer, which names the client in a PROXY header. */
  via: 'direct' | 'proxy';
  tls: 'none' | 'starttls' | 'implicit';
  /** The client offers only a 128-bit cipher suite (weak where the policy wants 256 bits). */
  weakCipher: boolean;
  login: boolean;
  mailFrom: string;
  rcptTo: string;
}

const sessionPlan: fc.Arbitrary<SessionPlan> = fc.record({
  clientAddress: fc.constantFrom(...CLIENT_ADDRESSES),
  via: fc.constantFrom<SessionPlan['via']>('direct', 'direct', 'proxy'),
  weakCipher: fc.boolean(),
  tls: fc.constantFrom<SessionPlan['tls']>('none', 'starttls', 'implicit'),
  login: fc.boolean(),
  mailFrom: fc.constantFrom(USER, 'mallory@other.test', ''),
  rcptTo: fc.constantFrom('bob@example.test', 'carol@local.test', 'dave@remote.test', 'erin@EXAMPLE.test'),
});

class Mismatch extends Error {}

/** Anyone may connect and send anonymously; nothing is granted relay. */
const OPEN_SHAPE: PolicyShape = {
  connectionMode: 'deny-list', connectionEntries: [], relayAnyone: false, relayAuthenticated: false, relayEntries: [],
  mechanisms: [], anonymous: true, senderMustMatch: false, tls: null, localDomains: ['example.test'],
};
const examplePlans: SessionPlan[] = Array.from({ length: SESSIONS_PER_CONFIG }, (_, i) => ({
  clientAddress: CLIENT_ADDRESSES[i % CLIENT_ADDRESSES.length]!, via: 'direct', weakCipher: false, tls: 'none', login: false, mailFrom: 'mallory@other.test',
  rcptTo: i % 2 === 0 ? 'dave@remote.test' : 'bob@example.test',
}));
/** Submission with sender ownership: a logged-in user who claims another sender must meet 553. */
const SUBMISSION_SHAPE: PolicyShape = {
  ...OPEN_SHAPE, anonymous: false, relayAuthenticated: true, mechanisms: ['PLAIN'], senderMustMatch: true,
  tls: { mode: 'required', implicitListener: false, minCipherBits: 128 },
};
const submissionPlans: SessionPlan[] = Array.from({ length: SESSIONS_PER_CONFIG }, (_, i) => ({
  clientAddress: CLIENT_ADDRESSES[i % CLIENT_ADDRESSES.length]!, via: 'direct', weakCipher: false, tls: 'starttls', login: true,
  mailFrom: i % 3 === 0 ? USER : 'mallory@other.test', rcptTo: i % 2 === 0 ? 'dave@remote.test' : 'bob@example.test',
}));

/** Anonymous and without mechanisms: a client that tries to log in meets 504. */
const loginPlans: SessionPlan[] = examplePlans.map((plan) => ({ ...plan, login: true }));
/**
 * Submission open to one address only, TLS of 256 bits required: the other addresses meet 554
 * at connect; from the allowed one, AUTH before STARTTLS meets 538, MAIL before STARTTLS 530,
 * and MAIL over a 128-bit cipher 538.
 */
const GATED_SUBMISSION_SHAPE: PolicyShape = {
  ...SUBMISSION_SHAPE, connectionMode: 'allow-list', connectionEntries: ['127.0.0.2/32'],
  tls: { mode: 'required', implicitListener: false, minCipherBits: 256 },
};
const GATED_STEPS: Array<Pick<SessionPlan, 'tls' | 'weakCipher' | 'login'>> = [
  { tls: 'none', weakCipher: false, login: true },
  { tls: 'none', weakCipher: false, login: false },
  { tls: 'starttls', weakCipher: true, login: false },
];
const gatedPlans: SessionPlan[] = Array.from({ length: SESSIONS_PER_CONFIG }, (_, i) => ({
  clientAddress: i < 2 * GATED_STEPS.length ? '127.0.0.2' : '127.0.0.3', via: 'direct', mailFrom: USER, rcptTo: 'bob@example.test',
  ...GATED_STEPS[i % GATED_STEPS.length]!,
}));

/** `127.0.0.1:<port>` where no DNS server listens: queries are refused at once. */
async function closedUdpPort(): Promise<string> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return `127.0.0.1:${port}`;
}

/** Runs one session and checks each reply against the policy; returns the route of the spooled message, if any. */
async function runSession(server: ServerHandle, compiled: CompiledServer, shape: PolicyShape, dnsDown: boolean, plan: SessionPlan, caseId: string, seen: Set<string>): Promise<RecipientRoute | null> {
  const transcript: string[] = [];
  const check = (stage: string, expected: SmtpReply, got: SmtpReplyLine | null) => {
    transcript.push(`${stage}: policy ${formatReply(expected)} | server ${describeReply(got)}`);
    if (!sameReply(expected, got)) throw new Mismatch(`stage ${stage} differs\n${transcript.join('\n')}`);
    if (expected.code >= 400) seen.add(`${stage.split(' ')[0]} ${expected.code}`);
  };
  // a PROXY header precedes the TLS handshake, which the raw client cannot do on implicit TLS
  const implicit = plan.tls === 'implicit' && shape.tls?.implicitListener === true && plan.via === 'direct';
  const port = server.addresses().find((a) => a.tlsMode === (implicit ? 'implicit' : 'starttls'))!.port;
  const tlsOptions: ConnectionOptions = { servername: 'mail.example.test', ...(plan.weakCipher ? { maxVersion: 'TLSv1.3', ciphers: 'TLS_AES_128_GCM_SHA256' } : {}) };
  const client: RawSmtpClient = await connectFrom(port, plan.via === 'proxy' ? TRUSTED_PROXY : plan.clientAddress, implicit, tlsOptions);
  if (plan.via === 'proxy') client.write(`PROXY TCP4 ${plan.clientAddress} 127.0.0.1 40000 25\r\n`);
  try {
    const facts: SessionFacts = {
      clientAddress: plan.clientAddress,
      reverseDns: dnsDown ? { status: 'error', reason: 'the DNS server is down' } : EXPECTED_REVERSE_DNS[plan.clientAddress],
      tls: implicit ? tlsFactsOf(client.socket as TLSSocket) : null,
      user: null,
    };
    const connect = decideConnect(compiled, facts);
    check('connect', connect.reply, await client.read());
    if (connect.decision !== 'accept') {
      transcript.push('then: closed');
      if ((await client.read()) !== null) throw new Mismatch(`the server did not close after refusing\n${transcript.join('\n')}`);
      return null;
    }

    const ehlo = async (stage: string) => {
      const reply = await client.command('EHLO client.test');
      const ad = ehloAdvertisement(compiled, facts);
      const lines = reply?.lines ?? [];
      const auth = lines.find((l) => l.startsWith('AUTH ')) ?? null;
      const expectedAuth = ad.authMechanisms.length > 0 && !facts.user ? `AUTH ${ad.authMechanisms.join(' ')}` : null;
      transcript.push(`${stage}: policy starttls=${ad.starttls} ${expectedAuth ?? 'no AUTH'} | server ${describeReply(reply)}`);
      if (reply?.code !== 250 || lines.includes('STARTTLS') !== ad.starttls || auth !== expectedAuth) {
        throw new Mismatch(`stage ${stage} advertisement differs\n${transcript.join('\n')}`);
      }
    };
    await ehlo('ehlo');

    if (plan.tls !== 'none' && !implicit && shape.tls !== null) {
      const starttls = await client.command('STARTTLS');
      transcript.push(`starttls: server ${describeReply(starttls)}`);
      assert.equal(starttls?.code, 220, transcript.join('\n'));
      facts.tls = tlsFactsOf(await client.upgrade(tlsOptions));
      await ehlo('ehlo after STARTTLS');
    }

    if (plan.login) {
      const mechanism = shape.mechanisms.includes('PLAIN') ? 'PLAIN' : shape.mechanisms.includes('LOGIN') ? 'LOGIN' : 'PLAIN';
      const decision = decideAuth(compiled, facts, mechanism);
      if (decision.decision !== 'accept') {
        check(`auth ${mechanism}`, decision.reply, await client.command(mechanism === 'PLAIN' ? `AUTH PLAIN ${plainAuth(USER, PASSWORD)}` : 'AUTH LOGIN'));
      } else {
        let reply: SmtpReplyLine | null;
        if (mechanism === 'PLAIN') {
          reply = await client.command(`AUTH PLAIN ${plainAuth(USER, PASSWORD)}`);
        } else {
          const started = await client.command('AUTH LOGIN');
          transcript.push(`auth LOGIN: server ${describeReply(started)}`);
          if (started?.code !== 334) throw new Mismatch(`AUTH LOGIN was not started\n${transcript.join('\n')}`);
          await client.command(Buffer.from(USER).toString('base64'));
          reply = await client.command(Buffer.from(PASSWORD).toString('base64'));
        }
        // the policy allowed the exchange; the right password then authenticates
        check(`auth ${mechanism}`, decision.reply, reply);
        facts.user = USER;
      }
    }

    const mail = decideMail(compiled, { ...facts, mailFrom: plan.mailFrom });
    check('mail', mail.reply, await client.command(`MAIL FROM:<${plan.mailFrom}>`));
    if (mail.decision !== 'accept') return null;
    const rcpt = decideRcpt(compiled, { ...facts, mailFrom: plan.mailFrom, rcptTo: plan.rcptTo });
    check('rcpt', rcpt.reply, await client.command(`RCPT TO:<${plan.rcptTo}>`));
    if (rcpt.decision !== 'accept') return null;
    const data = await client.command('DATA');
    assert.equal(data?.code, 354, transcript.join('\n'));
    const queued = await client.command(`X-Case: ${caseId}\r\nSubject: differential\r\n\r\nbody\r\n.`);
    transcript.push(`data: server ${describeReply(queued)}`);
    if (queued?.code !== 250) throw new Mismatch(`an accepted transaction was not queued\n${transcript.join('\n')}`);
    await client.command('QUIT');
    return rcpt.route ?? null;
  } finally {
    client.close();
  }
}

test('differential: the server over real sockets answers exactly as runtime/policy decides', { timeout: 150_000 }, async (t) => {
  const dns = await startDnsmasq(t, DNS_RECORDS);
  if (!dns) return;
  t.after(() => dns.stop());
  const world: World = await makeWorld(tempDir(t, 'smtppolicy-differential-'), dns.server);
  // the facts given to the policy must be what the server's resolver will see
  const probe = createReverseLookup({ servers: [dns.server], timeoutMs: 2000, reverseZones: [], cache: { maxTtlMs: 0, negativeTtlMs: 0, maxEntries: 0 }, source: null });
  for (const address of CLIENT_ADDRESSES) assert.deepEqual(await probe.lookup(address), EXPECTED_REVERSE_DNS[address], address);
  const deadDns = await closedUdpPort();

  let sessions = 0;
  let accepted = 0;
  const outcomes = new Set<string>();
  await fc.assert(
    fc.asyncProperty(policyShape(), fc.integer({ min: 0, max: 3 }).map((n) => n === 0), fc.array(sessionPlan, { minLength: SESSIONS_PER_CONFIG, maxLength: SESSIONS_PER_CONFIG }), async (shape, dnsDown, plans) => {
      const storage = mkdtempSync(join(tmpdir(), 'smtppolicy-differential-case-'));
      // one config in four runs with its DNS server down: domain entries must fail closed
      const config = buildConfig(dnsDown ? { ...world, dnsServer: deadDns } : world, shape, storage);
      const compiled = compileServer(config.servers[0]!);
      const server = await startServer(config, { baseDir: world.dir, portOverride: () => 0, delivery: false });
      try {
        const routes = new Map<string, RecipientRoute>();
        for (const [index, plan] of plans.entries()) {
          const caseId = `case-${index}`;
          const route = await runSession(server, compiled, shape, dnsDown, plan, caseId, outcomes);
          sessions++;
          if (route !== null) outcomes.add(`accepted ${route}`);
          if (route !== null) routes.set(caseId, route);
        }
        // what was stored: one message per accepted transaction, with the route the policy chose
        const stored = new Map<string, RecipientRoute>();
        for (const id of await server.spool.ids()) {
          const envelope = await server.spool.readEnvelope(id);
          const caseId = /^X-Case: (\S+)$/m.exec((await server.spool.readMessage(id)).toString('utf8'))![1]!;
          assert.equal(envelope.recipients.length, 1);
          stored.set(caseId, envelope.recipients[0]!.route);
        }
        assert.deepEqual(stored, routes, 'spooled routes');
        accepted += routes.size;
      } finally {
        await server.close();
        rmSync(storage, { recursive: true, force: true });
      }
    }),
    {
      numRuns: CONFIGS,
      endOnFailure: true,
      // Besides the random ones, configs that surely reach every outcome asserted below, so the
      // coverage check never depends on the draw: two reach the fail-closed replies of a DNS
      // outage, one the sender-ownership refusal (it needs TLS, a mechanism, a login and a
      // foreign sender at once), one the unknown mechanism, one the connect, TLS and
      // authentication refusals.
      examples: [
        [{ ...OPEN_SHAPE, connectionMode: 'allow-list', connectionEntries: ['trusted.test', '127.0.0.2/32'] }, true, examplePlans],
        [{ ...OPEN_SHAPE, relayEntries: ['trusted.test'] }, true, examplePlans],
        [SUBMISSION_SHAPE, false, submissionPlans],
        [OPEN_SHAPE, false, loginPlans],
        [GATED_SUBMISSION_SHAPE, false, gatedPlans],
      ],
    },
  );
  t.diagnostic(`${sessions} sessions, ${accepted} messages spooled; outcomes seen: ${[...outcomes].sort().join(', ')}`);
  assert.ok(sessions >= CONFIGS * SESSIONS_PER_CONFIG);
  // the generator reaches every stage that can decide, so agreement is not vacuous
  for (const outcome of ['connect 554', 'connect 421', 'rcpt 450', 'mail 538', 'auth 538', 'auth 504', 'mail 530', 'mail 553', 'rcpt 554', 'accepted local', 'accepted relay']) {
    assert.ok(outcomes.has(outcome), `no generated session ended in ${outcome}`);
  }
});
