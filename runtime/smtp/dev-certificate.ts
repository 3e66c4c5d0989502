// `serve --dev-certificate`: for local trials only, creates a self-signed certificate and
// key (in-process, EC P-256, DEV_CERTIFICATE_DAYS days: self-signed-certificate.ts) at the
// configured paths when both are missing. Servers that share one certificate file share the
// certificate, so its subjectAltName lists every hostname (and SNI name) that uses it, plus
// localhost, 127.0.0.1 and ::1. An existing file is never overwritten (the files are
// created exclusively), and a half-present pair (one file missing) is left for the normal
// start-up error. The key is written with mode 0600: only the server's user may read it.
import { existsSync, mkdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { RuntimeConfig } from '../config/types.js';

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

  if (planned.size === 0) return [];
  // loaded only when there is a certificate to make: it brings the X.509 library and a Reflect polyfill
  const { createSelfSignedCertificate } = await import('./self-signed-certificate.js');
  const created: string[] = [];
  for (const { cert, key, names, source } of planned.values()) {
    mkdirSync(dirname(cert), { recursive: true, mode: 0o700 });
    mkdirSync(dirname(key), { recursive: true, mode: 0o700 });
    try {
      const made = await createSelfSignedCertificate({ dnsNames: [...new Set([...names, 'localhost'])], ipAddresses: ['127.0.0.1', '::1'] });
      // 'wx': fail rather than overwrite a file that appeared meanwhile
      await writeFile(key, made.keyPem, { mode: 0o600, flag: 'wx' });
      await writeFile(cert, made.certificatePem, { mode: 0o644, flag: 'wx' });
    } catch (error) {
      throw new Error(`${source}: could not create a development certificate: ${(error as Error).message}`);
    }
    created.push(cert);
  }
  return created;
}
