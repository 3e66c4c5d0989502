// Real certificates for TLS tests, made with openssl in a temp directory: a self-signed
// EC P-256 certificate per call (fast), with the names given as subjectAltName.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCertificate {
  dir: string;
  certPath: string;
  keyPath: string;
  cert: string;
}

/** `days`: how long it is valid from now (default 2). */
export function makeCertificate(options: { commonName?: string; altNames?: string[]; dir?: string; name?: string; days?: number } = {}): TestCertificate {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'smtppolicy-cert-'));
  const cn = options.commonName ?? 'mail.example.test';
  const names = options.altNames ?? [cn];
  const base = options.name ?? 'server';
  const certPath = join(dir, `${base}.crt`);
  const keyPath = join(dir, `${base}.key`);
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', keyPath, '-out', certPath, '-days', String(options.days ?? 2), '-subj', `/CN=${cn}`,
    '-addext', `subjectAltName=${names.map((n) => `DNS:${n}`).join(',')}`,
  ], { stdio: 'pipe' });
  return { dir, certPath, keyPath, cert: readFileSync(certPath, 'utf8') };
}
