// `serve --dev-certificate`: for local trials only, creates a self-signed certificate and
// key (openssl, EC P-256, one year) at the configured paths when both are missing. Servers
// that share one certificate file share the certificate, so its subjectAltName lists every
// hostname (and SNI name) that uses it, plus localhost. An existing file is never
// overwritten, and a half-present pair (one file missing) is left for the normal start-up
// error.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { RuntimeConfig } from '../config/types.js';

const run = promisify(execFile);

interface PlannedCertificate {
  cert: string;
  key: string;
  names: Set<string>;
  source: string;
}

export async function ensureDevCertificates(config: RuntimeConfig, baseDir: string): Promise<string[]> {
  const absolute = (path: string) => (isAbsolute(path) ? path : resolve(baseDir, path));
  const planned = new Map<string, PlannedCertificate>();
  for (const server of config.servers) {
    for (const certificate of server.tls?.certificates ?? []) {
      const cert = absolute(certificate.certificate);
      const key = absolute(certificate.key);
      if (existsSync(cert) || existsSync(key)) continue;
      const plan = planned.get(cert) ?? { cert, key, names: new Set<string>(), source: certificate.source };
      for (const name of [server.hostname, ...certificate.serverNames]) plan.names.add(name);
      planned.set(cert, plan);
    }
  }

  const created: string[] = [];
  for (const { cert, key, names, source } of planned.values()) {
    mkdirSync(dirname(cert), { recursive: true, mode: 0o700 });
    mkdirSync(dirname(key), { recursive: true, mode: 0o700 });
    const altNames = [...names, 'localhost'].map((n) => `DNS:${n}`).join(',');
    const commonName = [...names][0] ?? 'localhost';
    try {
      await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
        '-keyout', key, '-out', cert, '-days', '365', '-subj', `/CN=${commonName}`,
        '-addext', `subjectAltName=${altNames}`]);
    } catch (error) {
      throw new Error(`${source}: could not create a development certificate with openssl: ${(error as Error).message}`);
    }
    created.push(cert);
  }
  return created;
}
