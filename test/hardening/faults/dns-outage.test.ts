// DNS faults seen through the server: a resolver that is down (port closed) and one that is
// slow (a UDP socket that takes queries and never answers). Clients whose admission hangs
// on a domain entry must get a temporary refusal within the configured timeout; clients the
// policy admits by address must be greeted and served as if DNS were healthy; relaying that
// depends on a domain grant must be deferred (4xx), never granted.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { makeRuntimeConfig, cidrItem, domainItem, src } from '../../runtime/fixtures/config-builder.js';
import { runServer, tempDir, type RunningServer } from '../../helpers/server-fixture.js';
import { RawSmtpClient } from '../../helpers/smtp-client.js';

const TIMEOUT_MS = 600;
/** Scheduling slack on a loaded 2-core machine; a wait that would be "unbounded" blows far past it. */
const SLACK_MS = 1500;

/** A UDP "DNS server" that swallows every query: the slow-DNS fault. */
async function silentDns(t: TestContext): Promise<{ server: string; queries: () => number }> {
  const socket: UdpSocket = createSocket('udp4');
  let queries = 0;
  socket.on('message', () => queries++);
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  t.after(() => new Promise<void>((resolve) => socket.close(() => resolve())));
  return { server: `127.0.0.1:${socket.address().port}`, queries: () => queries };
}

/** An address where nothing listens: the DNS-down fault (queries are refused at once). */
async function deadDns(): Promise<string> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  const port = socket.address().port;
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return `127.0.0.1:${port}`;
}

async function startPolicyServer(t: TestContext, dnsServer: string): Promise<RunningServer> {
  const dir = tempDir(t, 'smtppolicy-dns-fault-');
  const config = makeRuntimeConfig({
    storageDir: dir,
    resolver: { servers: [dnsServer], timeoutMs: TIMEOUT_MS, reverseZones: ['127.in-addr.arpa'] },
    servers: [{
      connections: {
        mode: 'allow-list',
        entries: [domainItem('trusted.test', src(50)), cidrItem('127.0.0.40/29', src(51))],
        source: src(49),
      },
      relay: { anyone: false, authenticated: true, entries: [cidrItem('127.0.0.44/32', src(61)), domainItem('relay.test', src(62))], source: src(60) },
      localDomains: [domainItem('example.test', src(70))],
      limits: { maxConnectionsPerAddress: 50 },
    }],
  });
  return runServer(t, config, { dir });
}

interface Timed<T> { value: T; ms: number }
async function timed<T>(work: () => Promise<T>): Promise<Timed<T>> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

async function greet(t: TestContext, port: number, localAddress: string) {
  const client = await RawSmtpClient.connect({ port, localAddress });
  t.after(() => client.close());
  const greeting = await client.read(TIMEOUT_MS + SLACK_MS + 2000);
  return { client, greeting };
}

/** Connects from an address listed by CIDR and sends mail to a local and a remote recipient. */
async function addressListedSession(t: TestContext, port: number, localAddress: string) {
  const { client, greeting } = await greet(t, port, localAddress);
  const ehlo = await client.command('EHLO client.test');
  const mail = await client.command('MAIL FROM:<sender@client.test>');
  const local = await client.command('RCPT TO:<alice@example.test>');
  const remote = await client.command('RCPT TO:<bob@elsewhere.test>');
  return { client, greeting, ehlo, mail, local, remote };
}

for (const fault of ['down', 'slow'] as const) {
  test(`DNS ${fault}: domain-listed clients get 421 4.7.0 in bounded time, address-listed clients are served, domain relay grants defer`, { timeout: 30_000 }, async (t) => {
    const silent = fault === 'slow' ? await silentDns(t) : undefined;
    const running = await startPolicyServer(t, silent?.server ?? await deadDns());
    const port = running.port();

    // 10 clients admitted only through a domain entry, all at once, from distinct addresses
    const domainClients = await Promise.all(Array.from({ length: 10 }, (_, i) => timed(() => greet(t, port, `127.0.1.${i + 1}`))));
    for (const { value, ms } of domainClients) {
      assert.equal(value.greeting?.code, 421, value.greeting?.text);
      assert.match(value.greeting!.text, /^421 4\.7\.0 Cannot verify your hostname/);
      assert.ok(ms < TIMEOUT_MS + SLACK_MS, `refused after ${Math.round(ms)} ms: the DNS timeout is ${TIMEOUT_MS} ms`);
      await value.client.waitClosed(2000);
    }
    if (silent) assert.ok(silent.queries() >= 1, 'the server did ask the silent DNS server');

    // an address-listed client without an address relay grant: greeted at once, local mail works, relay deferred
    const { value: plain, ms: plainMs } = await timed(() => addressListedSession(t, port, '127.0.0.41'));
    assert.equal(plain.greeting?.code, 220, plain.greeting?.text);
    assert.equal(plain.mail?.code, 250, plain.mail?.text);
    assert.equal(plain.local?.code, 250, plain.local?.text);
    assert.equal(plain.remote?.code, 450, plain.remote?.text);
    assert.match(plain.remote!.text, /^450 4\.7\.1 <bob@elsewhere\.test>: Recipient address rejected: unable to verify client hostname/);
    assert.ok(plainMs < TIMEOUT_MS + SLACK_MS, `session took ${Math.round(plainMs)} ms`);
    const data = await plain.client.command('DATA');
    assert.equal(data?.code, 354);
    const queued = await plain.client.command('Subject: during a DNS fault\r\n\r\nhello\r\n.');
    assert.equal(queued?.code, 250, queued?.text);
    await plain.client.command('QUIT');

    // an address-listed client that only sends local mail is not slowed down by DNS at all
    const quick = await timed(() => greet(t, port, '127.0.0.42'));
    assert.equal(quick.value.greeting?.code, 220);
    assert.ok(quick.ms < TIMEOUT_MS, `the greeting waited ${Math.round(quick.ms)} ms for a lookup the connection decision does not need`);

    // a client with an address relay grant relays without DNS
    const granted = await addressListedSession(t, port, '127.0.0.44');
    assert.equal(granted.greeting?.code, 220);
    assert.equal(granted.remote?.code, 250, granted.remote?.text);

    // a client that hangs up while its RCPT waits for the lookup leaves the server unharmed
    const impatient = await greet(t, port, '127.0.0.43');
    assert.equal(impatient.greeting?.code, 220);
    impatient.client.write('EHLO client.test\r\nMAIL FROM:<a@client.test>\r\nRCPT TO:<b@elsewhere.test>\r\n');
    await new Promise((resolve) => setTimeout(resolve, 50));
    impatient.client.close();
    await new Promise((resolve) => setTimeout(resolve, TIMEOUT_MS + 200));
    const after = await addressListedSession(t, port, '127.0.0.45');
    assert.equal(after.local?.code, 250, 'still serving after the hang-up');

    // what was stored: exactly the one message, to the local recipient only
    const ids = await running.handle.spool.ids();
    assert.equal(ids.length, 1);
    const envelope = await running.handle.spool.readEnvelope(ids[0]!);
    assert.deepEqual(envelope.recipients, [{ address: 'alice@example.test', route: 'local' }]);

    // and what operators see: refusals by reason, lookups that failed, tempfails in the log
    const metrics = await running.handle.metrics.registry.metrics();
    assert.match(metrics, /smtppolicy_connections_refused_total\{server="default",reason="policy-tempfail"\} 10/);
    assert.match(metrics, /smtppolicy_dns_reverse_lookup_seconds_count\{result="error"\} [1-9]/);
    const tempfails = running.logs.filter((l) => l.event === 'decision' && l.outcome === 'tempfail');
    assert.ok(tempfails.some((l) => l.stage === 'connect' && /failed|timed out/.test(String(l.reason))), JSON.stringify(tempfails[0]));
    assert.ok(tempfails.some((l) => l.stage === 'rcpt'));
  });
}
