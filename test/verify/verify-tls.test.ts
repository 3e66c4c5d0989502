// The TLS probes against servers configured for a 256-bit minimum: the real server keeps
// a 128-bit client away from anything sensitive, a permissive one does not; a certificate
// for another name, or out of its dates, fails the certificate probe.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RuntimeConfig } from '../../runtime/config/types.js';
import { verifyServers, type ProbeResult, type VerifyReport } from '../../verify/index.js';
import { makeCertificate } from '../helpers/certificates.js';
import { runServer, tempDir } from '../helpers/server-fixture.js';
import { makeRuntimeConfig } from '../runtime/fixtures/config-builder.js';
import { startPermissiveServer } from './permissive-server.js';
import { readFileSync } from 'node:fs';

function strictTlsConfig(dir: string, certificateName = 'mail.example.test'): RuntimeConfig {
  const certificate = makeCertificate({ dir, commonName: certificateName });
  return makeRuntimeConfig({
    storageDir: dir,
    servers: [{
      name: 'submission',
      hostname: 'mail.example.test',
      listen: [{ address: '127.0.0.1', port: 2587, tlsMode: 'starttls', source: 'fixture.smtppolicy:11:3' }],
      tls: {
        mode: 'required',
        minVersion: 'TLSv1.2',
        minCipherBits: 256,
        certificates: [{ certificate: certificate.certPath, key: certificate.keyPath, serverNames: [], source: 'fixture.smtppolicy:21:5' }],
      },
      localDomains: [{ kind: 'domain', domain: 'example.test', source: 'fixture.smtppolicy:30:3' }],
    }],
  });
}

function probe(report: VerifyReport, suffix: string): ProbeResult {
  const found = report.probes.find((p) => p.id === `submission/2587/tls/${suffix}`);
  assert.ok(found, `no probe tls/${suffix}`);
  return found;
}

test('the real server refuses TLS 1.1 and 128-bit ciphers when the policy asks for TLS 1.2 and 256 bits', { timeout: 30_000 }, async (t) => {
  const dir = tempDir(t);
  const config = strictTlsConfig(dir);
  const running = await runServer(t, config, { dir });
  const report = await verifyServers(config, { target: '127.0.0.1', portMap: new Map([[2587, running.port('submission')]]), timeoutMs: 5000 });
  for (const name of ['offered', 'handshake', 'certificate', 'min-version', 'min-cipher-bits']) {
    const result = probe(report, name);
    assert.equal(result.status, 'pass', `${name}: ${result.observed}`);
  }
  assert.match(probe(report, 'min-cipher-bits').observed, /failed|538/);
  assert.match(probe(report, 'handshake').observed, /\(256 bits\)/);
});

test('a server that negotiates anything fails the minimum version and cipher probes', { timeout: 30_000 }, async (t) => {
  const dir = tempDir(t);
  const config = strictTlsConfig(dir);
  const certificate = config.servers[0]!.tls!.certificates[0]!;
  const port = await startPermissiveServer(t, { tls: { key: readFileSync(certificate.key, 'utf8'), cert: readFileSync(certificate.certificate, 'utf8') } });
  const report = await verifyServers(config, { target: '127.0.0.1', portMap: new Map([[2587, port]]), timeoutMs: 5000 });
  const minVersion = probe(report, 'min-version');
  assert.equal(minVersion.status, 'fail');
  assert.match(minVersion.observed, /handshake accepted with TLSv1(\.1)? .*MAIL: 250/);
  const minCipher = probe(report, 'min-cipher-bits');
  assert.equal(minCipher.status, 'fail');
  assert.match(minCipher.observed, /\(128 bits\).*MAIL: 250/);
  assert.match(minCipher.source ?? '', /fixture\.smtppolicy:20:1/, 'the tls block that sets the minimum');
});

test('a certificate for another name, or past its dates, fails the certificate probe', { timeout: 30_000 }, async (t) => {
  const dir = tempDir(t);
  const config = strictTlsConfig(dir, 'other.example.test');
  const running = await runServer(t, config, { dir });
  const portMap = new Map([[2587, running.port('submission')]]);
  const wrongName = probe(await verifyServers(config, { target: '127.0.0.1', portMap, timeoutMs: 5000 }), 'certificate');
  assert.equal(wrongName.status, 'fail');
  assert.match(wrongName.observed, /mail\.example\.test/);
  assert.match(wrongName.observed, /DNS:other\.example\.test/);
  assert.ok(wrongName.transcript?.some((line) => line.startsWith('* TLS established')));

  const later = new Date(Date.now() + 10 * 24 * 3600 * 1000); // the test certificate is valid for 2 days
  const expired = probe(await verifyServers(config, { target: '127.0.0.1', portMap, timeoutMs: 5000, now: () => later }), 'certificate');
  assert.equal(expired.status, 'fail');
  assert.match(expired.observed, /expired on/);
});
