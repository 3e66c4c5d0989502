// Which SASL mechanisms may be offered at this point of the session. The rule:
//
// - no certificate (tls null): every configured mechanism, in clear — the config asked for
//   it and the linter reports basic auth without TLS as an error;
// - TLS below the policy's minimum version or cipher strength: none;
// - adequately encrypted: every configured mechanism;
// - not encrypted, tls `required`: none (nothing sensitive before TLS);
// - not encrypted, tls `optional`: only mechanisms that do not reveal the secret
//   (CRAM-MD5). PLAIN, LOGIN and XOAUTH2 send the password or bearer token itself, so they
//   wait for STARTTLS whenever the server has a certificate.
import type { CompiledServer } from './compile.js';
import { assessEncryption, describeTls, type Encryption } from './encryption.js';
import type { SessionFacts, TraceStep } from './types.js';

/** Mechanisms whose exchange does not carry the secret itself. Anything else reveals it. */
const SECRET_SAFE_MECHANISMS: ReadonlySet<string> = new Set(['CRAM-MD5']);

export function revealsSecret(mechanism: string): boolean {
  return !SECRET_SAFE_MECHANISMS.has(mechanism.toUpperCase());
}

export interface MechanismOffer {
  offered: string[];
  /** Configured mechanisms held back now, and why (for AUTH replies and traces). */
  withheld: Map<string, 'needs-tls' | 'weak-tls'>;
  encryption: Encryption;
  trace: TraceStep[];
}

export function offerMechanisms(server: CompiledServer, facts: SessionFacts): MechanismOffer {
  const auth = server.config.auth;
  const tls = server.config.tls;
  const configured = [...server.mechanisms.keys()];
  const encryption = assessEncryption(server, facts);
  const withheld = new Map<string, 'needs-tls' | 'weak-tls'>();
  const trace: TraceStep[] = [];
  const offer = (offered: string[], result: string, source: string | null): MechanismOffer => {
    trace.push({ step: 'AUTH mechanisms offered', result, source });
    return { offered, withheld, encryption, trace };
  };

  if (configured.length === 0) return offer([], 'none configured: AUTH is not offered', auth.source);
  if (tls === null) {
    return offer(configured, `${configured.join(', ')} (the server has no certificate: offered without encryption)`, auth.source);
  }
  switch (encryption.level) {
    case 'weak':
      for (const mechanism of configured) withheld.set(mechanism, 'weak-tls');
      return offer([], `none: ${encryption.why}`, tls.source);
    case 'adequate':
      return offer(configured, `${configured.join(', ')} (session encrypted: ${describeTls(encryption.tls)})`, auth.source);
    case 'none': {
      if (tls.mode === 'required') {
        for (const mechanism of configured) withheld.set(mechanism, 'needs-tls');
        return offer([], 'none before STARTTLS: TLS is required', tls.source);
      }
      const offered = configured.filter((mechanism) => !revealsSecret(mechanism));
      for (const mechanism of configured) if (revealsSecret(mechanism)) withheld.set(mechanism, 'needs-tls');
      const held = [...withheld.keys()];
      const heldText = held.length === 0 ? '' : `; ${held.join(', ')} only after STARTTLS (they reveal the secret)`;
      return offer(offered, `${offered.length === 0 ? 'none' : offered.join(', ')} before STARTTLS${heldText}`, tls.source);
    }
  }
}
