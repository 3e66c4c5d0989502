// How well the session is encrypted, measured against the server's tls settings. A session
// below the minimum version or cipher strength is "weak": the policy then treats it as
// unfit for anything sensitive (AUTH, MAIL), whatever the tls mode.
import type { TlsConfig } from '../config/types.js';
import type { CompiledServer } from './compile.js';
import type { SessionFacts, TlsFacts } from './types.js';

export type Encryption =
  | { level: 'none' }
  | { level: 'weak'; tls: TlsFacts; why: string }
  | { level: 'adequate'; tls: TlsFacts };

const VERSION_RANK: Record<TlsConfig['minVersion'], number> = {
  TLSv1: 1,
  'TLSv1.1': 2,
  'TLSv1.2': 3,
  'TLSv1.3': 4,
};

/** TLS versions in order; anything unknown (SSLv3, 'unknown') ranks below every allowed minimum. */
export function versionRank(version: string): number {
  return Object.hasOwn(VERSION_RANK, version) ? VERSION_RANK[version as TlsConfig['minVersion']] : 0;
}

export function assessEncryption(server: CompiledServer, facts: SessionFacts): Encryption {
  const tls = facts.tls;
  if (tls === undefined || tls === null) return { level: 'none' };
  const settings = server.config.tls;
  if (settings === null) return { level: 'adequate', tls };
  if (versionRank(tls.version) < versionRank(settings.minVersion)) {
    return { level: 'weak', tls, why: `TLS version ${tls.version} is older than the required ${settings.minVersion}` };
  }
  if (settings.minCipherBits > 0 && tls.cipherBits < settings.minCipherBits) {
    return {
      level: 'weak',
      tls,
      why: `weak cipher ${tls.cipher} (${tls.cipherBits} bits, ${settings.minCipherBits} required)`,
    };
  }
  return { level: 'adequate', tls };
}

/** For traces: `TLSv1.3 TLS_AES_256_GCM_SHA384 (256 bits)`. */
export function describeTls(tls: TlsFacts): string {
  return `${tls.version} ${tls.cipher} (${tls.cipherBits} bits)`;
}

/**
 * Symmetric key bits of a negotiated cipher, from its OpenSSL or IANA name. Unknown
 * ciphers count as 0 bits, so a minimum refuses them rather than guessing.
 */
export function cipherBits(name: string): number {
  const n = name.toUpperCase();
  if (/CHACHA20/.test(n)) return 256;
  if (/AES_?256|CAMELLIA_?256|ARIA_?256/.test(n)) return 256;
  if (/AES_?128|CAMELLIA_?128|ARIA_?128/.test(n)) return 128;
  if (/3DES|DES-CBC3|DES_EDE3/.test(n)) return 112;
  if (/SEED|IDEA/.test(n)) return 128;
  if (/RC4_?128|RC4-MD5|RC4-SHA/.test(n)) return 128;
  if (/DES/.test(n)) return 56;
  return 0;
}
