// SMTP smuggling defence (as Postfix's smtpd_forbid_bare_newline): a line ending other
// than CR LF — a LF without CR before it, or a CR without LF after it — is refused in
// commands and in message data. Receivers disagree on what such an ending means, which is
// what lets a sender hide a second message behind `<LF>.<LF>`. State carries across
// chunks, so splitting CR and LF over two TCP segments changes nothing.

export type BareLineEnding = 'LF' | 'CR';

export class BareLineEndingScanner {
  private pendingCr = false;

  /** The first bare line ending in the chunk, or null. */
  scan(chunk: Uint8Array): BareLineEnding | null {
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i];
      if (this.pendingCr) {
        this.pendingCr = false;
        if (byte !== 0x0a) return 'CR';
        continue;
      }
      if (byte === 0x0d) this.pendingCr = true;
      else if (byte === 0x0a) return 'LF';
    }
    return null;
  }
}
