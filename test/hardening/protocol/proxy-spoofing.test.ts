// Live: a spoofed PROXY header (v1 text and v2 binary) relays on the wire exactly when lint
// says open relay. Each policy below is linted as written (listening on 0.0.0.0:25, every
// other setting at its default); the same compiled config then runs in the real server, on
// a loopback port, and an attacker who is NOT a load balancer of ours — but whose address
// lies in the trusted proxy-protocol entry when the policy trusts too widely, as the
// witness's public address does — sends a PROXY header claiming the address the finding's
// witness claims (or, where lint finds nothing, an address inside the relay grants), then
// tries to relay. Lint verdict and wire verdict must agree, both ways.
import { describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkPolicy } from '../../../compiler/check.js';
import type { RuntimeConfig } from '../../../runtime/config/types.js';
import { PROXY_V2_SIGNATURE } from '../../../runtime/smtp/proxy-v2.js';
import { runServer } from '../../helpers/server-fixture.js';
import { RawSmtpClient, type SmtpReplyLine } from '../../helpers/smtp-client.js';

/** Where the server listens in the test, and where the attacker sends from. */
const LISTEN = '127.0.16.1';
const ATTACKER = '127.0.16.9';
/** The one real balancer of the narrow policy: not the attacker. */
const BALANCER = '127.0.16.10';
/** What an attacker claims when lint names no witness: an address the relay grants cover. */
const GRANTED = '10.0.0.1';

const policy = (body: string) => `server mx {\n  listen 0.0.0.0:25\n  hostname mail.example.test\n  local-domains example.test\n${body}\n}\n`;

const CASES = [
  {
    name: 'PROXY believed from anywhere, relay for the private network',
    text: policy('  connections only { 10.0.0.0/8 }\n  relay { 10.0.0.0/8 }\n  proxy-protocol { 0.0.0.0/0 }'),
    open: true,
  },
  { name: 'PROXY believed from one balancer only', text: policy(`  relay { 10.0.0.0/8 }\n  proxy-protocol { ${BALANCER} }`), open: false },
  { name: 'PROXY believed from anywhere, but nothing granted by address', text: policy('  proxy-protocol { 0.0.0.0/0 }'), open: false },
  {
    name: 'PROXY believed from anywhere, but connection control keeps the granted network out',
    text: policy('  connections except { 10.0.0.0/8 }\n  relay { 10.0.0.0/8 }\n  proxy-protocol { 0.0.0.0/0 }'),
    open: false,
  },
];

interface LintVerdict {
  open: boolean;
  /** The address the open-relay witness claims in its PROXY header. */
  claim: string;
  config: RuntimeConfig;
}

async function lint(text: string): Promise<LintVerdict> {
  const dir = await mkdtemp(join(tmpdir(), 'smtppolicy-proxy-spoof-'));
  try {
    await writeFile(join(dir, 'policy.smtppolicy'), text);
    const { diagnostics, model } = await checkPolicy('policy.smtppolicy', { cwd: dir });
    const finding = diagnostics.find((d) => d.ruleId === 'open-relay');
    const claim = finding ? /--proxy-from \S+ --client (\S+)/.exec(finding.message)?.[1] : GRANTED;
    assert.ok(claim, `the open-relay finding names no PROXY witness: ${finding?.message}`);
    return { open: finding !== undefined, claim, config: model.config };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function v1Header(claim: string): string {
  return `PROXY TCP4 ${claim} ${LISTEN} 40000 25\r\n`;
}

function v2Header(claim: string): Buffer {
  const addresses = Buffer.alloc(12);
  Buffer.from(claim.split('.').map(Number)).copy(addresses, 0);
  Buffer.from(LISTEN.split('.').map(Number)).copy(addresses, 4);
  addresses.writeUInt16BE(40000, 8);
  addresses.writeUInt16BE(25, 10);
  // version 2, command PROXY; TCP over IPv4; then the length of the addresses
  return Buffer.concat([PROXY_V2_SIGNATURE, Buffer.from([0x21, 0x11, 0, addresses.length]), addresses]);
}

/** Sends the spoofed header and a relay attempt; the reply to RCPT, or the reply that ended the session earlier. */
async function attack(port: number, header: string | Buffer): Promise<{ relayed: boolean; last: SmtpReplyLine | null }> {
  const client = await RawSmtpClient.connect({ port, host: LISTEN, localAddress: ATTACKER });
  try {
    client.write(header);
    let last = await client.read().catch(() => null);
    if (last?.code !== 220) return { relayed: false, last };
    for (const line of ['EHLO attacker.test', 'MAIL FROM:<spammer@example.net>', 'RCPT TO:<victim@relay-probe.invalid>']) {
      last = await client.command(line).catch(() => null);
      if (last === null || last.code >= 400) return { relayed: false, last };
    }
    return { relayed: last?.code === 250, last };
  } finally {
    client.close();
  }
}

async function serve(t: TestContext, config: RuntimeConfig): Promise<number> {
  const onLoopback: RuntimeConfig = { ...config, servers: config.servers.map((s) => ({ ...s, listen: s.listen.map((l) => ({ ...l, address: LISTEN })) })) };
  return (await runServer(t, onLoopback)).port();
}

describe('a spoofed PROXY header relays on the wire exactly when lint says open relay', () => {
  for (const c of CASES) {
    test(c.name, async (t) => {
      const verdict = await lint(c.text);
      assert.equal(verdict.open, c.open, 'the lint verdict this case is about');
      const port = await serve(t, verdict.config);
      for (const [version, header] of [['v1', v1Header(verdict.claim)], ['v2', v2Header(verdict.claim)]] as const) {
        const wire = await attack(port, header);
        assert.equal(wire.relayed, verdict.open, `${version}: lint says ${verdict.open ? '' : 'not '}open relay, the server answered ${wire.last?.text ?? '(closed)'}`);
      }
    });
  }
});
