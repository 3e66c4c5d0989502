// Renders the queue as `postqueue -p` does: one block per message, the queue id marked `!`
// when held, the reason a recipient is waiting in parentheses above it, and a total.
import { pendingReason, type QueueEntry } from '../runtime/delivery/index.js';

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
    `Status:       ${entry.status}`,
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
