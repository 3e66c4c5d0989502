// Whether a TLS session with the given facts can be negotiated with this server at all.
// The server's TLS context refuses protocol versions below `min-version` (Node's
// `minVersion`, set from the same TlsConfig in runtime/smtp/tls-material.ts): such a client
// never reaches MAIL, and gets no SMTP reply either; the handshake fails with a
// protocol_version alert. A server without a certificate offers no STARTTLS at all. The
// cipher minimum is different: it is checked after the handshake (decideAuth, decideMail),
// so a weak cipher negotiates and is refused with 538 later.
import type { CompiledServer } from './compile.js';
import { versionRank } from './encryption.js';
import type { SessionFacts, TraceStep } from './types.js';

/** A session the facts describe as encrypted, which the server would never have negotiated. */
export interface HandshakeRefusal {
  decision: 'refuse';
  stage: 'tls';
  /** No SMTP reply: the TLS handshake fails (or STARTTLS is not offered). */
  reply: null;
  trace: TraceStep[];
}

/** null when the facts' TLS session (or its absence) is one the server would negotiate. */
export function decideTlsHandshake(server: CompiledServer, facts: SessionFacts): HandshakeRefusal | null {
  const tls = facts.tls;
  if (tls === undefined || tls === null) return null;
  const settings = server.config.tls;
  const refuse = (result: string, source: string | null): HandshakeRefusal => ({
    decision: 'refuse', stage: 'tls', reply: null, trace: [{ step: 'TLS handshake', result, source }],
  });
  if (settings === null) return refuse('the server has no certificate: it offers no STARTTLS and no implicit TLS', server.config.source);
  if (versionRank(tls.version) < versionRank(settings.minVersion)) {
    return refuse(`${tls.version} is older than min-version ${settings.minVersion}: the server's TLS refuses it, the handshake fails (protocol_version alert) and no SMTP reply follows`, settings.source);
  }
  return null;
}
