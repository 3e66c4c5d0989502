// A real DNS server on loopback for the tests that look names up (reverse lookups, direct
// MX delivery, MTA-STS, lint --online): dnsmasq answering only the PTR, A/AAAA, MX and TXT
// records given, on an OS-chosen UDP port, nothing forwarded.
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { promises as dns } from 'node:dns';
import type { TestContext } from 'node:test';
import { requireTool } from './tools.js';

export interface DnsFixture {
  port: number;
  /** `127.0.0.1:<port>`, as resolver servers are written in a RuntimeConfig. */
  server: string;
  stop(): Promise<void>;
}

export interface DnsRecords {
  /** address → PTR name */
  ptr?: Record<string, string>;
  /** name → addresses (A or AAAA) */
  hosts?: Record<string, string[]>;
  /** domain → [preference, exchange] records */
  mx?: Record<string, Array<[number, string]>>;
  /** domains that publish a null MX (RFC 7505: `0 .`) */
  nullMx?: string[];
  /** name → TXT records (one string each; a comma would split it) */
  txt?: Record<string, string[]>;
  ttlSeconds?: number;
}

async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  const port = socket.address().port;
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

function reverseName(address: string): string {
  return `${address.split('.').reverse().join('.')}.in-addr.arpa`;
}

/** Starts dnsmasq; returns null (test skipped) when it is missing outside CI. */
export async function startDnsmasq(t: TestContext, records: DnsRecords): Promise<DnsFixture | null> {
  const binary = requireTool(t, 'dnsmasq', 'dnsmasq-base');
  if (!binary) return null;
  const ttl = records.ttlSeconds ?? 60;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freeUdpPort();
    const args = ['--no-daemon', `--port=${port}`, '--listen-address=127.0.0.1', '--bind-interfaces', '--no-resolv', '--no-hosts',
      '--no-negcache', `--local-ttl=${ttl}`, '--conf-file=/dev/null', '--user=root'];
    for (const [address, name] of Object.entries(records.ptr ?? {})) args.push(`--ptr-record=${reverseName(address)},${name}`);
    for (const [name, addresses] of Object.entries(records.hosts ?? {})) args.push(`--host-record=${name},${addresses.join(',')}`);
    for (const [domain, exchangers] of Object.entries(records.mx ?? {})) {
      for (const [preference, exchange] of exchangers) args.push(`--mx-host=${domain},${exchange},${preference}`);
    }
    // dnsmasq has no syntax for a root target: the raw RDATA is preference 0 and the root name
    for (const domain of records.nullMx ?? []) args.push(`--dns-rr=${domain},15,000000`);
    // no shell in between: quotes would stay in the record; a comma starts another string of it
    for (const [name, texts] of Object.entries(records.txt ?? {})) {
      for (const text of texts) args.push(`--txt-record=${name},${text}`);
    }
    // answer NXDOMAIN for every other reverse or forward name instead of forwarding
    args.push('--local=/in-addr.arpa/', '--local=/test/');
    const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (d) => (stderr += String(d)));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const ready = await waitReady(port, child);
    if (ready) {
      return {
        port,
        server: `127.0.0.1:${port}`,
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) {
            child.kill('SIGTERM');
            await exited;
          }
        },
      };
    }
    child.kill('SIGKILL');
    await exited;
    if (!/address in use/i.test(stderr)) throw new Error(`dnsmasq did not start: ${stderr.trim()}`);
  }
  throw new Error('dnsmasq: no free port after 5 attempts');
}

async function waitReady(port: number, child: ChildProcess): Promise<boolean> {
  const resolver = new dns.Resolver({ timeout: 200, tries: 1 });
  resolver.setServers([`127.0.0.1:${port}`]);
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      await resolver.resolve4('ready-probe.test');
      return true;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOTFOUND' || code === 'ENODATA') return true;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}
