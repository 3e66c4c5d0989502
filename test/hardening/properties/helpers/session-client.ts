// Client-side pieces the property tests share: connect from a chosen loopback address
// (plain or implicit TLS), compare a reply with the policy's, and describe the TLS
// session the way the server's policy sees it.
import type { ConnectionOptions, TLSSocket } from 'node:tls';
import { RawSmtpClient, type SmtpReplyLine } from '../../../helpers/smtp-client.js';
import { cipherBits } from '../../../../runtime/smtp/tls-material.js';
import { formatReply, type SmtpReply, type TlsFacts } from '../../../../runtime/policy/types.js';

export function connectFrom(port: number, localAddress: string, implicitTls: boolean, tls: ConnectionOptions = { servername: 'mail.example.test' }): Promise<RawSmtpClient> {
  return RawSmtpClient.connect({ port, localAddress, ...(implicitTls ? { tls } : {}) });
}

export function tlsFactsOf(socket: TLSSocket): TlsFacts {
  const cipher = socket.getCipher();
  return { version: socket.getProtocol() ?? cipher.version, cipher: cipher.name, cipherBits: cipherBits(cipher.standardName ?? cipher.name) };
}

/**
 * Is the reply the client saw exactly the policy's reply: code, enhanced code and text? The
 * policy is the one source of reply texts, so explain, the logs and the wire say the same.
 */
export function sameReply(expected: SmtpReply, got: SmtpReplyLine | null): boolean {
  return got !== null && got.text === formatReply(expected);
}

export function describeReply(reply: SmtpReplyLine | null): string {
  return reply === null ? '(connection closed)' : reply.text.replace(/\n/g, ' | ');
}
