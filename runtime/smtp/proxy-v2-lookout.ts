// Recognises a PROXY v2 header at the start of a session that did not expect one (the peer
// is not a trusted balancer: policy-server.ts reads headers only from those). The v2
// signature is `\r\n\r\n\0\r\nQUIT\n`: fed to the SMTP parser, its empty lines would be
// refused as talking before the greeting and its last byte as a bare LF, and the client
// would hear `554 5.5.x` about line endings instead of the documented `554 5.7.1` about
// PROXY headers. So the first bytes are held back while they are still a prefix of the
// signature (12 bytes at most), and the caller is told which it is.
import { PROXY_V2_SIGNATURE } from './proxy-v2.js';

export type LookoutResult =
  /** The session starts with the v2 signature. */
  | { state: 'signature' }
  /** Still a prefix of the signature: nothing to pass on yet. */
  | { state: 'holding' }
  /** Not a v2 header: these bytes (held ones first) go to the parser. */
  | { state: 'passed'; bytes: Buffer };

export class ProxyV2Lookout {
  private held: Buffer | null = Buffer.alloc(0);

  take(chunk: Buffer): LookoutResult {
    if (this.held === null) return { state: 'passed', bytes: chunk };
    const head = Buffer.concat([this.held, chunk]);
    const compared = Math.min(head.length, PROXY_V2_SIGNATURE.length);
    if (head.subarray(0, compared).equals(PROXY_V2_SIGNATURE.subarray(0, compared))) {
      if (compared === PROXY_V2_SIGNATURE.length) return { state: 'signature' };
      this.held = head;
      return { state: 'holding' };
    }
    this.held = null;
    return { state: 'passed', bytes: head };
  }
}
