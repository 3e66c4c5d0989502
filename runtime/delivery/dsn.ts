// Delivery status notifications (RFC 3464): a multipart/report with a human-readable part, a
// message/delivery-status part with per-recipient fields, and the original message's headers
// (text/rfc822-headers, RFC 6522). Bounces are sent with a null envelope sender, so that a
// bounce can never bounce (RFC 5321 §4.5.5).
import { randomBytes } from 'node:crypto';
import { open } from 'node:fs/promises';
import type { MessageFile } from './spool.js';
import type { AttemptError } from './delivery-state.js';

export interface DsnRecipient {
  address: string;
  /** Enhanced status code of the final failure, e.g. `5.1.1`, `4.4.7` (expired). */
  status: string;
  error: AttemptError;
  lastAttemptAt: string;
}

export interface DsnInput {
  /** The FQDN of the server that accepted the message. */
  reportingMta: string;
  queueId: string;
  arrivalDate: string;
  originalSender: string;
  recipients: DsnRecipient[];
  /** The original message's header section, bytes as received. */
  originalHeaders: Buffer;
  now: number;
}

const CRLF = '\r\n';

export function buildDsn(input: DsnInput): Buffer {
  const boundary = `dsn-${randomBytes(12).toString('hex')}`;
  const date = rfc5322Date(input.now);
  const human = [
    `This is the mail system at host ${input.reportingMta}.`,
    '',
    'Your message could not be delivered to one or more recipients.',
    'It is attached below (headers only).',
    '',
    ...input.recipients.map((r) => `<${oneLine(r.address)}>: ${oneLine(r.error.diagnostic)}`),
    '',
  ].join(CRLF);
  const perMessage = [
    `Reporting-MTA: dns; ${input.reportingMta}`,
    `X-Smtppolicy-Queue-ID: ${input.queueId}`,
    `Arrival-Date: ${rfc5322Date(Date.parse(input.arrivalDate))}`,
  ].join(CRLF);
  const perRecipient = input.recipients.map((r) =>
    [
      `Final-Recipient: ${addressType(r.address)}; ${oneLine(r.address)}`,
      'Action: failed',
      `Status: ${r.status}`,
      ...(r.error.remoteMta ? [`Remote-MTA: dns; ${oneLine(r.error.remoteMta)}`] : []),
      `Diagnostic-Code: ${r.error.diagnosticType}; ${oneLine(r.error.diagnostic)}`,
      `Last-Attempt-Date: ${rfc5322Date(Date.parse(r.lastAttemptAt))}`,
    ].join(CRLF),
  );
  const headers = normaliseLineEndings(input.originalHeaders);
  const eightBit = headers.some((byte) => byte > 0x7f);
  const head = [
    `From: Mail Delivery System <MAILER-DAEMON@${input.reportingMta}>`,
    `To: <${oneLine(input.originalSender)}>`,
    'Subject: Undelivered Mail Returned to Sender',
    `Date: ${date}`,
    `Message-ID: <${input.queueId}.dsn.${randomBytes(4).toString('hex')}@${input.reportingMta}>`,
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
    '',
    'This is a MIME-encapsulated message.',
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    human,
    `--${boundary}`,
    'Content-Type: message/delivery-status',
    '',
    perMessage,
    '',
    perRecipient.join(CRLF + CRLF),
    '',
    `--${boundary}`,
    'Content-Type: text/rfc822-headers',
    ...(eightBit ? ['Content-Transfer-Encoding: 8bit'] : []),
    '',
    '',
  ].join(CRLF);
  return Buffer.concat([Buffer.from(head, 'utf8'), headers, Buffer.from(`${CRLF}--${boundary}--${CRLF}`)]);
}

/** Reads the header section of a stored message (up to the blank line, at most maxBytes). */
export async function readHeaderSection(file: MessageFile, maxBytes = 256 * 1024): Promise<Buffer> {
  const handle = await open(file.path, 'r');
  try {
    const buffer = Buffer.alloc(maxBytes);
    const { bytesRead } = await handle.read(buffer, 0, maxBytes, file.start);
    const data = buffer.subarray(0, bytesRead);
    if (data.subarray(0, 2).toString() === '\r\n' || data[0] === 0x0a) return Buffer.alloc(0);
    const crlf = data.indexOf('\r\n\r\n');
    const lf = data.indexOf('\n\n');
    const ends = [crlf >= 0 ? crlf + 2 : -1, lf >= 0 ? lf + 1 : -1].filter((i) => i >= 0);
    return ends.length ? data.subarray(0, Math.min(...ends)) : data;
  } finally {
    await handle.close();
  }
}

/** RFC 6533: an address with non-ASCII characters is of type utf-8. */
function addressType(address: string): 'rfc822' | 'utf-8' {
  return /[^\x00-\x7f]/.test(address) ? 'utf-8' : 'rfc822';
}

/** Remote replies and addresses go into header fields: no line breaks or control characters. */
function oneLine(value: string): string {
  return value.replace(/[\x00-\x1f\x7f]+/g, ' ').trim();
}

function normaliseLineEndings(bytes: Buffer): Buffer {
  const text = bytes.toString('latin1').replace(/\r?\n/g, '\r\n');
  const withEnd = text.length === 0 || text.endsWith('\r\n') ? text : text + '\r\n';
  return Buffer.from(withEnd, 'latin1');
}

export function rfc5322Date(time: number): string {
  return new Date(time).toUTCString().replace(/GMT$/, '+0000');
}
