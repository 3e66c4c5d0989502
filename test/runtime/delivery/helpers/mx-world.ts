// A small Internet on loopback for direct-delivery tests: dnsmasq as the policy's resolver
// (MX, A, null MX, MTA-STS TXT records), SMTP sinks on their own 127.25.x.y addresses at
// port 25 (the tests run as root; no other test uses 127.25.0.0/16), and one HTTPS server
// at 127.25.2.2:443 that serves the MTA-STS policies of the sts*.test domains.
//
// | domain      | what it has                                                              |
// |-------------|--------------------------------------------------------------------------|
// | pref.test   | MX 10 mx1 (nothing listens), MX 20 mx2 (sink), MX 30 mx3 (sink)          |
// | nomx.test   | no MX, an A record (implicit MX) with a sink                             |
// | nullmx.test | a null MX (RFC 7505)                                                     |
// | temp.test   | a sink that answers 451 to each recipient the first time                 |
// | perm.test   | a sink that answers 550 5.1.1                                            |
// | tls.test    | a sink offering STARTTLS with a self-signed certificate                  |
// | sts.test    | MTA-STS enforce; its MX offers no STARTTLS                               |
// | sts2.test   | MTA-STS enforce; its MX has a certificate the test CA signed             |
// | sts3.test   | MTA-STS enforce; its MX has a certificate nobody vouches for             |
// | sts4.test   | announces MTA-STS, but nothing serves the policy; its MX is mx2.pref.test |
// | route.test  | its MX is dead; a route sends it to smtp.route.test (a sink, own port)   |
// | equal.test  | MX 10 a.equal.test, MX 10 b.equal.test (no sinks: lookup order only)     |
import { createServer, type Server } from 'node:https';
import type { TestContext } from 'node:test';
import type { ResolverConfig } from '../../../../runtime/config/types.js';
import { makeCertificate, type TestCertificate } from '../../../helpers/certificates.js';
import { startDnsmasq, type DnsFixture } from '../../../helpers/dnsmasq.js';
import { startSmarthost, type Smarthost } from './smarthost-fixture.js';

export interface MxWorld {
  dns: DnsFixture;
  resolver: ResolverConfig;
  sinks: {
    mx2: Smarthost;
    mx3: Smarthost;
    nomx: Smarthost;
    temp: Smarthost;
    perm: Smarthost;
    tls: Smarthost;
    sts: Smarthost;
    sts2: Smarthost;
    sts3: Smarthost;
    route: Smarthost;
  };
  /** The CA tests trust for MTA-STS (the HTTPS server, sts2's MX). */
  ca: TestCertificate;
  /** Requests the HTTPS server answered, by Host header. */
  policyFetches: string[];
  close(): Promise<void>;
}

const STS_DOMAINS = ['sts.test', 'sts2.test', 'sts3.test'];

/** Starts everything; null when dnsmasq is missing outside CI (the test is skipped). */
export async function startMxWorld(t: TestContext, resolverBase: ResolverConfig): Promise<MxWorld | null> {
  const dns = await startDnsmasq(t, {
    hosts: {
      'mx1.pref.test': ['127.25.1.1'],
      'mx2.pref.test': ['127.25.1.2'],
      'mx3.pref.test': ['127.25.1.3'],
      'nomx.test': ['127.25.1.4'],
      'mx.temp.test': ['127.25.1.5'],
      'mx.perm.test': ['127.25.1.6'],
      'mx.tls.test': ['127.25.1.7'],
      'smtp.route.test': ['127.25.1.8'],
      'a.equal.test': ['127.25.1.9'],
      'b.equal.test': ['127.25.1.10'],
      'mx.sts.test': ['127.25.2.1'],
      'mx.sts2.test': ['127.25.2.3'],
      'mx.sts3.test': ['127.25.2.4'],
      'mta-sts.sts4.test': ['127.25.2.5'],
      ...Object.fromEntries(STS_DOMAINS.map((d) => [`mta-sts.${d}`, ['127.25.2.2']])),
    },
    mx: {
      'pref.test': [[10, 'mx1.pref.test'], [20, 'mx2.pref.test'], [30, 'mx3.pref.test']],
      'temp.test': [[10, 'mx.temp.test']],
      'perm.test': [[10, 'mx.perm.test']],
      'tls.test': [[10, 'mx.tls.test']],
      'route.test': [[10, 'mx1.pref.test']],
      'equal.test': [[10, 'a.equal.test'], [10, 'b.equal.test']],
      'sts4.test': [[10, 'mx2.pref.test']],
      ...Object.fromEntries(STS_DOMAINS.map((d) => [d, [[10, `mx.${d}`]] as Array<[number, string]>])),
    },
    nullMx: ['nullmx.test'],
    txt: Object.fromEntries([...STS_DOMAINS, 'sts4.test'].map((d) => [`_mta-sts.${d}`, ['v=STSv1; id=20261202']])),
  });
  if (!dns) return null;

  const ca = makeCertificate({ name: 'mta-sts', commonName: 'mta-sts.sts.test', altNames: [...STS_DOMAINS.map((d) => `mta-sts.${d}`), 'mx.sts2.test'] });
  const stranger = makeCertificate({ name: 'stranger', commonName: 'mx.sts3.test', altNames: ['mx.sts3.test', 'mx.tls.test'] });
  const firstRefusal = new Set<string>();
  const sinks: MxWorld['sinks'] = {
    mx2: await startSmarthost({ host: '127.25.1.2', port: 25 }),
    mx3: await startSmarthost({ host: '127.25.1.3', port: 25 }),
    nomx: await startSmarthost({ host: '127.25.1.4', port: 25 }),
    temp: await startSmarthost({
      host: '127.25.1.5',
      port: 25,
      rcpt: (address) => {
        if (firstRefusal.has(address)) return null;
        firstRefusal.add(address);
        return { code: 451, message: '4.7.1 greylisted, try again later' };
      },
    }),
    perm: await startSmarthost({ host: '127.25.1.6', port: 25, rcpt: (address) => ({ code: 550, message: `5.1.1 <${address}>: user unknown` }) }),
    tls: await startSmarthost({ host: '127.25.1.7', port: 25, tls: stranger }),
    sts: await startSmarthost({ host: '127.25.2.1', port: 25 }),
    sts2: await startSmarthost({ host: '127.25.2.3', port: 25, tls: ca }),
    sts3: await startSmarthost({ host: '127.25.2.4', port: 25, tls: stranger }),
    route: await startSmarthost({ host: '127.25.1.8' }),
  };

  const policyFetches: string[] = [];
  const https: Server = createServer({ key: ca.key, cert: ca.cert }, (req, res) => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    policyFetches.push(host);
    const domain = host.replace(/^mta-sts\./, '');
    if (req.url !== '/.well-known/mta-sts.txt' || !STS_DOMAINS.includes(domain)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`version: STSv1\r\nmode: enforce\r\nmx: mx.${domain}\r\nmax_age: 86400\r\n`);
  });
  await new Promise<void>((resolve, reject) => {
    https.once('error', reject);
    https.listen(443, '127.25.2.2', () => resolve());
  });

  return {
    dns,
    // generous: on a loaded machine a slow answer must not become a DNS outage (4.4.3)
    resolver: { ...resolverBase, servers: [dns.server], timeoutMs: 10_000 },
    sinks,
    ca,
    policyFetches,
    async close() {
      await Promise.all([...Object.values(sinks).map((s) => s.close()), new Promise<void>((resolve) => https.close(() => resolve())), dns.stop()]);
    },
  };
}
