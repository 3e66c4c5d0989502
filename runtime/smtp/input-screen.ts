// Every byte a client sends passes here before smtp-server's parser sees it, commands and
// message data alike, so no defence below depends on how the library splits lines:
//  - a PROXY v2 signature from a peer that is not a trusted balancer (policy-server.ts reads
//    headers only from those): held back and refused with the documented PROXY refusal,
//    because the signature itself holds a NUL and a bare LF;
//  - NUL, whatever the settings: no SMTP text may hold it (RFC 5321 4.1.1, RFC 6152 3), and
//    a receiver that cuts a line at a NUL sees `\r\n\0.\r\n` as the end of the message
//    (smuggling at the next hop);
//  - a bare CR or LF, unless `allow-bare-newlines` (SMTP smuggling, bare-line-endings.ts).
// After the first refusal nothing more reaches the parser: the session is ending.
import type { SMTPStream } from 'smtp-server/lib/smtp-stream.js';
import { BareLineEndingScanner, type BareLineEnding } from './bare-line-endings.js';
import { ProxyV2Lookout } from './proxy-v2-lookout.js';

export type InputRefusal =
  | { kind: 'untrusted-proxy-header' }
  | { kind: 'nul-character' }
  | { kind: 'bare-line-ending'; ending: BareLineEnding };

export function screenInput(parser: SMTPStream, options: { rejectBareLineEndings: boolean }, refuse: (refusal: InputRefusal) => void): void {
  const scanner = options.rejectBareLineEndings ? new BareLineEndingScanner() : null;
  const lookout = new ProxyV2Lookout();
  const write = parser.write.bind(parser) as (chunk: unknown, ...rest: unknown[]) => boolean;
  let refused = false;
  parser.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (refused) return true;
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'binary') : Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    const head = lookout.take(bytes);
    if (head.state === 'holding') return true;
    if (head.state === 'signature') {
      refused = true;
      refuse({ kind: 'untrusted-proxy-header' });
      return true;
    }
    if (head.bytes.includes(0)) {
      refused = true;
      refuse({ kind: 'nul-character' });
      return true;
    }
    const found = scanner?.scan(head.bytes);
    if (found) {
      refused = true;
      refuse({ kind: 'bare-line-ending', ending: found });
      return true;
    }
    return write(head.bytes, ...rest);
  }) as typeof parser.write;
}
