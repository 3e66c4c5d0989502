// Parses a DSN the way a mail client would: MIME parts by boundary, then header-style fields.
import assert from 'node:assert/strict';

export interface ParsedDsn {
  headers: Map<string, string>;
  reportType: string;
  human: string;
  perMessage: Map<string, string>;
  perRecipient: Array<Map<string, string>>;
  originalHeaders: string;
}

function fields(block: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of block.split('\r\n').filter((l) => l.length > 0)) {
    const colon = line.indexOf(':');
    assert.ok(colon > 0, `not a header field: ${JSON.stringify(line)}`);
    map.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  return map;
}

function splitHead(part: string): { head: Map<string, string>; body: string } {
  const end = part.indexOf('\r\n\r\n');
  assert.ok(end >= 0, 'part has a blank line after its headers');
  return { head: fields(part.slice(0, end)), body: part.slice(end + 4) };
}

export function parseDsn(raw: string): ParsedDsn {
  assert.ok(!/(?<!\r)\n/.test(raw), 'every line ends with CRLF');
  const { head, body } = splitHead(raw);
  const contentType = head.get('content-type') ?? '';
  assert.match(contentType, /^multipart\/report;/);
  const boundary = /boundary="([^"]+)"/.exec(contentType)?.[1];
  assert.ok(boundary, 'multipart boundary');
  const reportType = /report-type=([\w-]+)/.exec(contentType)?.[1] ?? '';
  const closing = body.indexOf(`\r\n--${boundary}--`);
  assert.ok(closing >= 0, 'closing boundary');
  const parts = body.slice(0, closing).split(`--${boundary}\r\n`).slice(1);
  assert.equal(parts.length, 3, 'three parts: text, delivery-status, headers');
  const [text, status, original] = parts.map(splitHead) as [ReturnType<typeof splitHead>, ReturnType<typeof splitHead>, ReturnType<typeof splitHead>];
  assert.match(text.head.get('content-type') ?? '', /^text\/plain/);
  assert.equal(status.head.get('content-type'), 'message/delivery-status');
  assert.equal(original.head.get('content-type'), 'text/rfc822-headers');
  const groups = status.body.split('\r\n\r\n').filter((g) => g.trim().length > 0);
  return {
    headers: head,
    reportType,
    human: text.body,
    perMessage: fields(groups[0]!),
    perRecipient: groups.slice(1).map(fields),
    originalHeaders: original.body,
  };
}
