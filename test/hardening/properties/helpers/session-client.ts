// Client-side pieces the property tests share: connect from a chosen loopback address
// (plain or implicit TLS), read the enhanced status code of a reply, and describe the TLS
// session the way the server's policy sees it.
import type { ConnectionOptions, TLSSocket } from 'node:tls';
import { RawSmtpClient, type SmtpReplyLine } from '../../../helpers/smtp-client.js';
import { cipherBits } from '../../../../runtime/smtp/tls-material.js';
import type { SmtpReply, TlsFacts } from '../../../../runtime/policy/types.js';

export function connectFrom(port: number, localAddress: string, implicitTls: boolean, tls: ConnectionOptions = { servername: 'mail.example.test' }): Promise<RawSmtpClient> {
  return RawSmtpClient.connect({ port, localAddress, ...(implicitTls ? { tls } : {}) });
}

/** The RFC 3463 code after the reply code (`554 5.7.1 …` → `5.7.1`), or null. */
export function enhancedOf(reply: SmtpReplyLine): string | null {
  return /^\d{3}[ -](\d\.\d{1,3}\.\d{1,3})\b/.exec(reply.text)?.[1] ?? null;
}

export function tlsFactsOf(socket: TLSSocket): TlsFacts {
  const cipher = socket.getCipher();
  return { version: socket.getProtocol() ?? cipher.version, cipher: cipher.name, cipherBits: cipherBits(cipher.standardName ?? cipher.name) };
}

/** Does the reply the client saw carry the policy's code and enhanced code? */
export function sameReply(expected: SmtpReply, got: SmtpReplyLine | null): boolean {
  if (got === null) return false;
  if (expected.code !== got.code) return false;
  // 220 greetings carry no enhanced code on the wire (RFC 2034 starts with EHLO)
  if (expected.code === 220) return true;
  return enhancedOf(got) === expected.enhanced;
}

export function describeReply(reply: SmtpReplyLine | null): string {
  return reply === null ? '(connection closed)' : reply.text.replace(/\n/g, ' | ');
}
