// Renders the queue as `postqueue -p` does: one block per message, the queue id marked `!`
// when held, the reason a recipient is waiting in parentheses above it, and a total; one
// message as `postcat` does (envelope, then the message as received); and what an action did.
import { isUtf8 } from 'node:buffer';
import { pendingReason, type QueueActionResult, type QueueEntry } from '../runtime/delivery/index.js';

const ID_WIDTH = 25;
const SIZE_WIDTH = 8;
const TIME_WIDTH = 20;
const INDENT = ' '.repeat(ID_WIDTH + 1 + SIZE_WIDTH + 1 + TIME_WIDTH + 1);

export function formatQueueTable(entries: QueueEntry[]): string {
  if (entries.length === 0) return 'Mail queue is empty\n';
  const lines = [
    `${'-Queue ID-'.padEnd(ID_WIDTH, '-')} ${'--Size--'} ${'----Arrival Time----'} -Sender/Recipient-------`,
  ];
  for (const entry of entries) {
    const mark = entry.status === 'held' ? '!' : '';
    lines.push(
      `${(entry.id + mark).padEnd(ID_WIDTH)} ${String(entry.size).padStart(SIZE_WIDTH)} ${arrival(entry.arrivalTime).padEnd(TIME_WIDTH)} ${entry.sender || 'MAILER-DAEMON'}`,
    );
    for (const recipient of entry.recipients.filter((r) => r.status === 'pending')) {
      const reason = pendingReason(recipient);
      if (reason) lines.push(`${INDENT.slice(0, -1)}(${reason})`);
      lines.push(`${INDENT}${recipient.address}`);
    }
    lines.push('');
  }
  const kbytes = Math.ceil(entries.reduce((sum, e) => sum + e.size, 0) / 1024);
  lines.push(`-- ${kbytes} Kbytes in ${entries.length} Request${entries.length === 1 ? '' : 's'}.`);
  return `${lines.join('\n')}\n`;
}

export function formatQueueEntry(entry: QueueEntry): string {
  const lines = [
    `Queue ID:     ${entry.id}${entry.status === 'held' ? ' (held)' : ''}`,
    `Status:       ${entry.status}${entry.operatorHold ? `, by the operator since ${entry.operatorHold} (smtppolicy queue release)` : ''}`,
    `Arrival time: ${entry.arrivalTime}`,
    `Size:         ${entry.size} bytes`,
    `Server:       ${entry.server}`,
    `Client:       ${entry.client.address}${entry.client.ptr ? ` (${entry.client.ptr})` : ''}${entry.client.user ? ` user ${entry.client.user}` : ''}${entry.client.tls ? ` ${entry.client.tls.version} ${entry.client.tls.cipher}` : ''}`,
    `Sender:       ${entry.sender === '' ? '<> (null sender)' : entry.sender}`,
    'Recipients:',
  ];
  for (const r of entry.recipients) {
    const detail =
      r.status === 'pending'
        ? r.nextAttemptAt === null
          ? 'held'
          : `next attempt ${r.nextAttemptAt}`
        : `${r.status} ${r.completedAt ?? ''}${r.dsnId ? `, DSN ${r.dsnId}` : ''}`.trim();
    lines.push(`  ${r.address} [${r.route}] ${r.status}, ${r.attempts} attempt${r.attempts === 1 ? '' : 's'}, ${detail}`);
    const reason = r.status === 'delivered' ? null : pendingReason(r);
    if (reason) lines.push(`    ${r.lastError && !r.heldReason ? `${r.lastError.status} ` : ''}${reason}`);
  }
  return `${lines.join('\n')}\n`;
}

function arrival(iso: string): string {
  // postqueue's "Wed May  1 10:00:00" (local time of the reader).
  const date = new Date(iso);
  const day = date.toLocaleString('en-US', { weekday: 'short' });
  const month = date.toLocaleString('en-US', { month: 'short' });
  const time = [date.getHours(), date.getMinutes(), date.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
  return `${day} ${month} ${String(date.getDate()).padStart(2)} ${time}`;
}

export const MESSAGE_PARTS = ['all', 'envelope', 'headers', 'body'] as const;
export type MessagePart = (typeof MESSAGE_PARTS)[number];

/** The header section (with the line break ending its last line) and the body, split at the first empty line. */
export function splitMessage(bytes: Buffer): { headers: Buffer; body: Buffer } {
  for (const lead of ['\r\n', '\n']) {
    if (bytes.subarray(0, lead.length).toString('latin1') === lead) return { headers: bytes.subarray(0, 0), body: bytes.subarray(lead.length) };
  }
  const candidates = [
    { at: bytes.indexOf('\r\n\r\n'), eol: 2 },
    { at: bytes.indexOf('\n\n'), eol: 1 },
  ].filter((c) => c.at >= 0);
  if (candidates.length === 0) return { headers: bytes, body: bytes.subarray(bytes.length) };
  const first = candidates.reduce((a, b) => (b.at < a.at ? b : a));
  return { headers: bytes.subarray(0, first.at + first.eol), body: bytes.subarray(first.at + 2 * first.eol) };
}

/** `queue show` as text: the envelope block, the message as received, or one of its parts. */
export function formatShown(entry: QueueEntry, bytes: Buffer, part: MessagePart): Array<string | Buffer> {
  if (part === 'envelope') return [formatQueueEntry(entry)];
  if (part === 'headers') return [splitMessage(bytes).headers];
  if (part === 'body') return [splitMessage(bytes).body];
  const endsWithNewline = bytes.length === 0 || bytes[bytes.length - 1] === 0x0a;
  return [formatQueueEntry(entry), `*** MESSAGE CONTENTS ${entry.id} ***\n`, bytes, endsWithNewline ? '' : '\n', `*** END OF MESSAGE ${entry.id} ***\n`];
}

/**
 * `queue show --format json`: the entry (unless only a part of the message is asked for) and
 * the message's headers and body, as UTF-8 text when the message is valid UTF-8, else in
 * base64 (`encoding` says which): a JSON string cannot carry arbitrary bytes.
 */
export function shownAsJson(entry: QueueEntry, bytes: Buffer, part: MessagePart): object {
  const encoding = isUtf8(bytes) ? 'utf8' : 'base64';
  const { headers, body } = splitMessage(bytes);
  const text = (b: Buffer) => b.toString(encoding);
  const message = {
    encoding,
    ...(part !== 'body' ? { headers: text(headers) } : {}),
    ...(part !== 'headers' ? { body: text(body) } : {}),
  };
  if (part === 'envelope') return entry;
  if (part === 'all') return { ...entry, message };
  return { id: entry.id, message };
}

const OUTCOME_TEXT: Record<Exclude<QueueActionResult['outcome'], 'not-found'>, (id: string) => string> = {
  held: (id) => `held ${id}`,
  'already-held': (id) => `${id} was already held`,
  released: (id) => `released ${id}`,
  'not-held': (id) => `${id} was not held`,
  deleted: (id) => `deleted ${id}`,
  requeued: (id) => `requeued ${id}`,
  'still-held': (id) => `${id} is held: release it first`,
};

/** One line per message acted on; `not-found` ones are left to the caller (stderr). */
export function formatActionResults(results: QueueActionResult[], via: 'server' | 'spool'): string {
  const lines = results.filter((r) => r.outcome !== 'not-found').map((r) => OUTCOME_TEXT[r.outcome as keyof typeof OUTCOME_TEXT](r.id));
  if (via === 'spool' && results.some((r) => r.outcome === 'requeued')) lines.push('(no server runs on this spool: requeued messages are tried when it starts)');
  return lines.length ? `${lines.join('\n')}\n` : '';
}
