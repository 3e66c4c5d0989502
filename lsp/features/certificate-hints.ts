// Inlay hints with what a certificate file says about itself: after `certificate "…"`, how
// long it stays valid ("expires in 12 days"), or, loudly, that clients refuse it already
// ("EXPIRED 3 days ago", "NOT VALID YET"). Read from the file as it is on this machine now,
// so the hint changes when the file is renewed, without touching the policy.

import { X509Certificate } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import type { InlayHint } from 'vscode-languageserver';
import type { SourceFile } from '../../compiler/index.js';
import { forEachNode } from '../../grammar/index.js';
import { toLspPosition } from '../convert.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Inside this many days, the hint says so: the renewal is due. */
export const RENEW_WITHIN_DAYS = 30;

export interface CertificateReader {
  /** The file's bytes; undefined when it cannot be read (certificate-not-found and certificate-invalid report why). */
  read(path: string): Promise<Buffer | undefined>;
  now(): Date;
}

/** "expires in 12 days", "expired 3 days ago": the fact the validity dates give at `now`. */
export function validityLabel(validFrom: Date, validTo: Date, now: Date): string {
  if (now < validFrom) return `⚠ NOT VALID YET: valid from ${validFrom.toISOString().slice(0, 10)}, clients refuse it until then`;
  const left = validTo.getTime() - now.getTime();
  if (left < 0) {
    const ago = Math.floor(-left / DAY_MS);
    return `⚠ EXPIRED ${ago === 0 ? 'today' : `${days(ago)} ago`} (${validTo.toISOString().slice(0, 10)}): clients refuse it`;
  }
  const inDays = Math.floor(left / DAY_MS);
  const when = inDays === 0 ? 'expires today' : `expires in ${days(inDays)}`;
  return inDays < RENEW_WITHIN_DAYS ? `⚠ ${when}: renew it` : when;
}

function days(n: number): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? 'day' : 'days'}`;
}

export async function certificateHints(file: SourceFile, reader: CertificateReader): Promise<InlayHint[]> {
  const named: { path: string; at: InlayHint['position'] }[] = [];
  forEachNode(file.ast, (node) => {
    const path = node.kind === 'TlsFile' && node.name === 'certificate' ? (node.path as { value?: unknown; range: SourceFile['ast']['range'] } | undefined) : undefined;
    if (path && typeof path.value === 'string' && path.value !== '') named.push({ path: resolve(dirname(file.path), path.value), at: toLspPosition(path.range.end) });
  });
  const now = reader.now();
  const hints: InlayHint[] = [];
  for (const { path, at } of named) {
    const data = await reader.read(path);
    if (!data) continue;
    let certificate: X509Certificate;
    try {
      certificate = new X509Certificate(data);
    } catch {
      continue; // certificate-invalid says what is wrong with it
    }
    const label = validityLabel(new Date(certificate.validFrom), new Date(certificate.validTo), now);
    hints.push({ position: at, label, paddingLeft: true, tooltip: `${path}\nvalid from ${certificate.validFrom} to ${certificate.validTo}\nsubject: ${certificate.subject.replace(/\n/g, ', ')}` });
  }
  return hints;
}
