// The trace header every MTA prepends to a message it accepts (RFC 5321 4.4).
import type { TlsFacts } from '../policy/types.js';
import { clean } from '../observe/logger.js';

export interface ReceivedFields {
  /** The name the client gave in HELO/EHLO, null when it gave none. */
  helo: string | null;
  /** The client's forward-confirmed reverse DNS name, null when there is none. */
  ptr: string | null;
  address: string;
  /** This server's host name. */
  hostname: string;
  /** The session id. */
  id: string;
  /** The "with" protocol (RFC 3848), see receivedProtocol. */
  protocol: string;
  tls: TlsFacts | null;
  /** Named only when the message has one recipient: more would tell each of them about the others. */
  recipient: string | null;
  date: Date;
}

/** RFC 3848: SMTP or ESMTP, S with TLS, A once authenticated. */
export function receivedProtocol(openingCommand: string | false, tls: boolean, authenticated: boolean): string {
  return `${openingCommand === 'EHLO' ? 'ESMTP' : 'SMTP'}${tls ? 'S' : ''}${authenticated ? 'A' : ''}`;
}

/** The header, with the TLS details as Postfix writes them. Client-supplied names are cleaned. */
export function receivedHeader(f: ReceivedFields): string {
  const from = `${f.helo ? clean(f.helo) : 'unknown'} (${f.ptr ?? 'unknown'} [${f.address}])`;
  const tls = f.tls ? `\r\n\t(using ${f.tls.version} with cipher ${f.tls.cipher} (${f.tls.cipherBits}/${f.tls.cipherBits} bits))` : '';
  const rcpt = f.recipient ? `\r\n\tfor <${clean(f.recipient)}>` : '';
  return `Received: from ${from}\r\n\tby ${f.hostname} (smtppolicy) with ${f.protocol} id ${f.id}${tls}${rcpt};\r\n\t${f.date.toUTCString().replace('GMT', '+0000')}\r\n`;
}
