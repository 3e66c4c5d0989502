// PROXY protocol v2 (the binary header HAProxy and cloud load balancers send), next to v1:
// honoured only from the trusted balancers of `proxy-protocol`, and the address it carries
// is the one the policy decides on. What the server cannot attribute to a client is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeRuntimeConfig, domainItem, addressItems, src } from '../fixtures/config-builder.js';
import { runServer, type RunningServer } from '../../helpers/server-fixture.js';
import { RawSmtpClient } from '../../helpers/smtp-client.js';
import { PROXY_V2_SIGNATURE } from '../../../runtime/smtp/proxy-v2.js';

const BALANCER = '127.0.0.70';

/** A v2 header: command 1 = PROXY, 0 = LOCAL; family 0x11 TCP4, 0x21 TCP6, others as given. */
function v2Header(command: number, family: number, addresses: Buffer): Buffer {
  const fixed = Buffer.alloc(4);
  fixed[0] = 0x20 | command;
  fixed[1] = family;
  fixed.writeUInt16BE(addresses.length, 2);
  return Buffer.concat([PROXY_V2_SIGNATURE, fixed, addresses]);
}

function tcp4(source: number[], port: number): Buffer {
  const b = Buffer.alloc(12);
  Buffer.from(source).copy(b, 0);
  Buffer.from([127, 0, 0, 1]).copy(b, 4);
  b.writeUInt16BE(port, 8);
  b.writeUInt16BE(25, 10);
  return b;
}

function tcp6(source: string, port: number): Buffer {
  const b = Buffer.alloc(36);
  const groups = source.split(':');
  const full = groups.flatMap((g) => (g === '' ? Array(8 - groups.filter((x) => x !== '').length).fill('0') : [g]));
  full.forEach((g, i) => b.writeUInt16BE(parseInt(g, 16), i * 2));
  b[31] = 1;
  b.writeUInt16BE(port, 32);
  b.writeUInt16BE(25, 34);
  return b;
}

async function start(t: Parameters<typeof runServer>[0]): Promise<RunningServer> {
  return runServer(t, makeRuntimeConfig({ servers: [{
    localDomains: [domainItem('example.test')],
    proxyProtocol: addressItems(`${BALANCER}/32`),
    connections: { mode: 'deny-list', entries: addressItems('192.0.2.66/32', '2001:db8::66/128'), source: src(40) },
  }] }));
}

async function through(running: RunningServer, header: Buffer | Buffer[], localAddress = BALANCER) {
  const client = await RawSmtpClient.connect({ port: running.port(), localAddress });
  const parts = Array.isArray(header) ? header : [header];
  for (const [i, part] of parts.entries()) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, 50));
    client.write(part);
  }
  return client;
}

const connectDecisions = (running: RunningServer) => running.logs.filter((l) => l.event === 'decision' && l.stage === 'connect');

test('a v2 header from the trusted balancer: the policy decides on the client address it carries (IPv4 and IPv6)', { timeout: 15_000 }, async (t) => {
  const running = await start(t);
  const denied4 = await through(running, v2Header(1, 0x11, tcp4([192, 0, 2, 66], 40000)));
  t.after(() => denied4.close());
  assert.match((await denied4.read())?.text ?? '', /^554 5\.7\.1 /);

  const denied6 = await through(running, v2Header(1, 0x21, tcp6('2001:db8::66', 40001)));
  t.after(() => denied6.close());
  assert.match((await denied6.read())?.text ?? '', /^554 5\.7\.1 /);

  // the header split over two TCP segments, with TLVs after the addresses
  const tlv = Buffer.from([0x04, 0x00, 0x03, 0x61, 0x62, 0x63]);
  const header = v2Header(1, 0x11, Buffer.concat([tcp4([198, 51, 100, 7], 40002), tlv]));
  const admitted = await through(running, [header.subarray(0, 10), header.subarray(10)]);
  t.after(() => admitted.close());
  assert.match((await admitted.read())?.text ?? '', /^220 /);
  assert.equal((await admitted.command('EHLO client.example'))?.code, 250);
  assert.deepEqual(connectDecisions(running).map((l) => l.client), ['192.0.2.66', '2001:db8::66', '198.51.100.7']);
});

test('a v2 LOCAL header (the balancer\'s health check) keeps the connection\'s own address; other families are refused', { timeout: 15_000 }, async (t) => {
  const running = await start(t);
  const local = await through(running, v2Header(0, 0x00, Buffer.alloc(0)));
  t.after(() => local.close());
  assert.match((await local.read())?.text ?? '', /^220 /);
  assert.equal(connectDecisions(running).at(-1)?.client, BALANCER);

  for (const [name, header] of [
    ['a UNIX socket address', v2Header(1, 0x31, Buffer.alloc(216))],
    ['UNSPEC with the PROXY command', v2Header(1, 0x00, Buffer.alloc(0))],
    ['UDP over IPv4', v2Header(1, 0x12, tcp4([198, 51, 100, 8], 1))],
    ['version 3', Buffer.concat([PROXY_V2_SIGNATURE, Buffer.from([0x31, 0x11, 0x00, 0x0c]), tcp4([198, 51, 100, 9], 1)])],
  ] as const) {
    const client = await through(running, header);
    t.after(() => client.close());
    assert.equal(await client.read(), null, `${name}: closed without a greeting`);
  }
  const refused = running.logs.filter((l) => l.event === 'proxy-refused');
  assert.equal(refused.length, 4);
  assert.ok(refused.every((l) => l.peer === BALANCER));
  assert.equal(connectDecisions(running).length, 1, 'no session was started for them');
});

test('a v2 header from a peer that is not a trusted balancer is never honoured: 554 5.7.1, as documented', { timeout: 15_000 }, async (t) => {
  const running = await start(t);
  const spoofer = await through(running, v2Header(1, 0x11, tcp4([198, 51, 100, 77], 1)), '127.0.0.71');
  t.after(() => spoofer.close());
  const replies: string[] = [];
  for (let reply = await spoofer.read(); reply; reply = await spoofer.read()) replies.push(reply.text);
  // the documented refusal for an untrusted PROXY header, not one about its line endings;
  // the greeting comes first when the header reaches the server after it was sent (a race
  // the client decides), and nothing else ever does
  const afterGreeting = replies[0]?.startsWith('220 ') ? replies.slice(1) : replies;
  assert.deepEqual(afterGreeting, ['554 5.7.1 mail.example.test Error: PROXY header from an address that is not a trusted load balancer'], replies.join('\n'));
  assert.ok(running.logs.some((l) => l.event === 'refused' && l.reason === 'untrusted-proxy-header' && l.client === '127.0.0.71'));
  assert.ok(!running.logs.some((l) => l.client === '198.51.100.77'), 'the spoofed address appears nowhere');
});
