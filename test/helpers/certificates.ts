// Real certificates for tests, made with openssl: self-signed, with the names given as
// subjectAltName. The one helper for every test that needs a certificate (TLS listeners,
// the smart host, the certificate lint rules). The key is EC P-256 unless a test needs an
// RSA key of a given size (a weak key for certificate-invalid): EC keys are made in a few
// milliseconds, RSA-2048 keys can take a second on a loaded machine.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface CertificateOptions {
  /** Subject CN; default mail.example.test. */
  commonName?: string;
  /** DNS names of the subjectAltName; default [commonName]. */
  altNames?: string[];
  /** IP addresses of the subjectAltName (a server reached by address, such as the smart host). */
  ipAddresses?: string[];
  /** An RSA key of this many bits instead of EC P-256. */
  rsaBits?: number;
  /** Valid from now for this many days; default 2. */
  days?: number;
  /** Where the files go; default a new temporary directory. */
  dir?: string;
  /** File base name: `<name>.crt` and `<name>.key`; default server. */
  name?: string;
}

export interface TestCertificate {
  dir: string;
  certPath: string;
  keyPath: string;
  /** PEM */
  cert: string;
  /** PEM, unencrypted */
  key: string;
}

export function makeCertificate(options: CertificateOptions = {}): TestCertificate {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'smtppolicy-cert-'));
  const cn = options.commonName ?? 'mail.example.test';
  const names = [...(options.altNames ?? [cn]).map((n) => `DNS:${n}`), ...(options.ipAddresses ?? []).map((a) => `IP:${a}`)];
  const base = options.name ?? 'server';
  const certPath = join(dir, `${base}.crt`);
  const keyPath = join(dir, `${base}.key`);
  const key = options.rsaBits ? ['-newkey', `rsa:${options.rsaBits}`] : ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'];
  execFileSync('openssl', [
    'req', '-x509', ...key, '-nodes',
    '-keyout', keyPath, '-out', certPath, '-days', String(options.days ?? 2), '-subj', `/CN=${cn}`,
    '-addext', `subjectAltName=${names.join(',')}`,
  ], { stdio: 'pipe', timeout: 20_000 });
  return { dir, certPath, keyPath, cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8') };
}
