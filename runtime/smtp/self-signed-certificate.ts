// A self-signed certificate made in-process (no `openssl` binary needed), for
// `serve --dev-certificate`: an ECDSA P-256 key, SHA-256 signature, a subjectAltName with
// every name and address a local client may type, and a short validity, because nobody
// should come to rely on it.
//
// @peculiar/x509 builds the certificate on Node's WebCrypto. It resolves its algorithms
// through tsyringe, which needs the Reflect metadata API (reflect-metadata, imported first).
// Import this module lazily (dev-certificate.ts does), so that a normal `serve` neither
// loads them nor patches the global Reflect.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';

/** Days a development certificate is valid (trial certificates should expire soon). */
export const DEV_CERTIFICATE_DAYS = 30;

export interface SelfSignedRequest {
  /** DNS names; the first is also the subject's common name. */
  dnsNames: string[];
  /** IPv4 and IPv6 addresses, e.g. 127.0.0.1 and ::1. */
  ipAddresses: string[];
  days?: number;
  /** For tests: the start of the validity period. */
  now?: Date;
}

export interface SelfSignedCertificate {
  certificatePem: string;
  /** PKCS#8, unencrypted: write it with mode 0600. */
  keyPem: string;
}

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY_MS = 24 * 60 * 60 * 1000;

export async function createSelfSignedCertificate(request: SelfSignedRequest): Promise<SelfSignedCertificate> {
  if (request.dnsNames.length === 0) throw new Error('a certificate needs at least one DNS name');
  // Node's WebCrypto, typed by @types/node rather than by the DOM library x509 declares against
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  const crypto = webcrypto;

  const keys = await crypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const notBefore = new Date((request.now ?? new Date()).getTime() - 60_000); // tolerate a little clock skew
  const notAfter = new Date(notBefore.getTime() + (request.days ?? DEV_CERTIFICATE_DAYS) * DAY_MS);
  // RFC 5280 §4.1.2.2: a positive serial of at most 20 octets; 16 random bytes, top bit clear
  const serial = Buffer.from(crypto.getRandomValues(new Uint8Array(16)));
  serial[0]! &= 0x7f;
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial.toString('hex'),
    name: [{ CN: [request.dnsNames[0]!] }],
    notBefore,
    notAfter,
    signingAlgorithm: ALGORITHM,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        ...request.dnsNames.map((value) => ({ type: 'dns' as const, value })),
        ...request.ipAddresses.map((value) => ({ type: 'ip' as const, value })),
      ]),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const pkcs8 = Buffer.from(await crypto.subtle.exportKey('pkcs8', keys.privateKey));
  return {
    certificatePem: certificate.toString('pem').replace(/\r\n/g, '\n').trimEnd() + '\n',
    keyPem: `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString('base64').match(/.{1,64}/g)!.join('\n')}\n-----END PRIVATE KEY-----\n`,
  };
}
