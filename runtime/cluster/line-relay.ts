// A worker's standard output, passed on line by line into the primary's log destination:
// only whole lines are written, so the workers' lines and the primary's never interleave.
import type { Readable } from 'node:stream';

export function relayLines(source: Readable, write: (line: string) => void): void {
  let partial = '';
  source.setEncoding('utf8');
  source.on('data', (chunk: string) => {
    partial += chunk;
    const end = partial.lastIndexOf('\n');
    if (end < 0) return;
    // one write per line: the destination flushes at once for a warning or an error line
    for (const line of partial.slice(0, end).split('\n')) if (line) write(`${line}\n`);
    partial = partial.slice(end + 1);
  });
  // a worker killed mid-line leaves a fragment: it is written on a line of its own
  source.on('end', () => {
    if (partial) write(`${partial}\n`);
    partial = '';
  });
}
