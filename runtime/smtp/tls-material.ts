// Certificates and keys for a server's TLS settings, loaded and checked before any
// listener starts: a missing or unreadable file, a key that does not match its
// certificate, or garbage in either is a start-up error naming the file. The server never
// falls back to smtp-server's built-in certificate (its private key is public).
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { createSecureContext, type SecureContext, type SecureContextOptions } from 'node:tls';
import { X509Certificate, constants, createPrivateKey } from 'node:crypto';
import type { TlsConfig } from '../config/types.js';
// A cipher's strength is policy (the minimum applies to it); the session reads it from here.
export { cipherBits } from '../policy/encryption.js';

export interface TlsMaterial {
  /** Options for the default context (smtp-server merges these over its own defaults). */
  defaultOptions: SecureContextOptions & { minVersion: NonNullable<SecureContextOptions['minVersion']> };
  /** SNI: requested name (lower-case) → context; `*.example` entries match one label. */
  sni: Map<string, SecureContext>;
  defaultContext: SecureContext;
}

export class TlsMaterialError extends Error {}

function readPem(baseDir: string, path: string, what: string, source: string): Buffer {
  const full = isAbsolute(path) ? path : resolve(baseDir, path);
  try {
    return readFileSync(full);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new TlsMaterialError(`${source}: cannot read the ${what} ${full}: ${code}`);
  }
}

function contextOptions(baseDir: string, certificate: string, key: string, source: string, tls: TlsConfig): SecureContextOptions {
  const cert = readPem(baseDir, certificate, 'certificate', source);
  const keyPem = readPem(baseDir, key, 'key', source);
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch (error) {
    throw new TlsMaterialError(`${source}: ${certificate} is not a PEM certificate (${(error as Error).message})`);
  }
  try {
    if (!x509.checkPrivateKey(createPrivateKey(keyPem))) {
      throw new TlsMaterialError(`${source}: the key ${key} does not match the certificate ${certificate}`);
    }
  } catch (error) {
    if (error instanceof TlsMaterialError) throw error;
    throw new TlsMaterialError(`${source}: ${key} is not a usable private key (${(error as Error).message})`);
  }
  return { cert, key: keyPem, minVersion: tls.minVersion, honorCipherOrder: true, ...hardening(tls) };
}

/**
 * TLS 1.2 and 1.3 suites with authenticated encryption only (AES-GCM, ChaCha20-Poly1305),
 * forward secret (ECDHE). Node's default list also offers CBC suites with TLS 1.2 (the
 * padding-oracle family: Lucky 13), which no client that speaks TLS 1.2 needs.
 */
export const AEAD_CIPHERS = [
  'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256', 'TLS_AES_128_GCM_SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305', 'ECDHE-RSA-CHACHA20-POLY1305',
  'ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256',
].join(':');

// Client-initiated renegotiation is refused (SSL_OP_NO_RENEGOTIATION: OpenSSL answers it
// with a no_renegotiation alert and the session goes on unchanged): each renegotiation costs
// the server a handshake, so a client could make it do handshakes for free. With a minimum
// of TLS 1.2 only AEAD suites are offered; a policy that allows TLS 1.0 or 1.1 asks for old
// clients, which have no AEAD suite, so Node's default list stays.
function hardening(tls: TlsConfig): SecureContextOptions {
  const modern = tls.minVersion === 'TLSv1.2' || tls.minVersion === 'TLSv1.3';
  return { secureOptions: constants.SSL_OP_NO_RENEGOTIATION, ...(modern ? { ciphers: AEAD_CIPHERS } : {}) };
}

export function loadTlsMaterial(tls: TlsConfig, baseDir: string): TlsMaterial {
  const [first, ...others] = tls.certificates;
  if (!first) throw new TlsMaterialError(`${tls.source}: tls has no certificate`);
  const defaultOptions = contextOptions(baseDir, first.certificate, first.key, first.source, tls) as TlsMaterial['defaultOptions'];
  const defaultContext = createContext(defaultOptions, first.source);
  const sni = new Map<string, SecureContext>();
  for (const name of first.serverNames) sni.set(name.toLowerCase(), defaultContext);
  for (const extra of others) {
    const context = createContext(contextOptions(baseDir, extra.certificate, extra.key, extra.source, tls), extra.source);
    for (const name of extra.serverNames) sni.set(name.toLowerCase(), context);
  }
  return { defaultOptions, sni, defaultContext };
}

function createContext(options: SecureContextOptions, source: string): SecureContext {
  try {
    return createSecureContext(options);
  } catch (error) {
    throw new TlsMaterialError(`${source}: TLS setup failed: ${(error as Error).message}`);
  }
}

/** The SNI callback: exact name, then a one-label wildcard, else the default certificate. */
export function sniCallback(material: TlsMaterial) {
  return (servername: string, callback: (error: Error | null, context?: SecureContext) => void): void => {
    const name = servername.toLowerCase().replace(/\.$/, '');
    const wildcard = name.includes('.') ? `*.${name.slice(name.indexOf('.') + 1)}` : '';
    callback(null, material.sni.get(name) ?? material.sni.get(wildcard) ?? material.defaultContext);
  };
}

/** smtp-server's errors from a TLS upgrade carry `meta` (normalizeTLSError): stage 'connect', the client, OpenSSL's message. */
export type TlsHandshakeError = Error & { meta?: { remoteAddress?: string; stage?: string; message?: string } };

/**
 * What went wrong in a failed handshake, in OpenSSL's words ("unsupported protocol", "no
 * shared cipher"): smtp-server replaces some with "Failed to establish TLS session" and
 * keeps the original in `meta.message`.
 */
export function tlsErrorMessage(error: TlsHandshakeError): string {
  return error.meta?.message ?? error.message;
}
