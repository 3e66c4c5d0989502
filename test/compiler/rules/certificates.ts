// Real certificates for the certificate rules' tests, made with openssl in a temp dir.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Pair {
  certificate: Buffer;
  key: Buffer;
}

/** A self-signed certificate for `name`, valid for `days` from now, with an RSA key of `bits`. */
export function makeCertificate(name: string, options: { bits?: number; days?: number } = {}): Pair {
  const dir = mkdtempSync(join(tmpdir(), 'smtppolicy-cert-'));
  try {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', `rsa:${options.bits ?? 2048}`, '-nodes',
      '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'),
      '-days', String(options.days ?? 30), '-subj', `/CN=${name}`, '-addext', `subjectAltName=DNS:${name}`,
    ], { stdio: 'ignore', timeout: 20_000 });
    return { certificate: readFileSync(join(dir, 'c.pem')), key: readFileSync(join(dir, 'k.pem')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
