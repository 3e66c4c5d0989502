// Formatting cost against the number of comments: a policy with a comment on every entry,
// at 5,000 and at 50,000 lines. Placing each comment used to scan its list's entries, so ten
// times the lines cost a hundred times the time (1.0 s → 59 s); it must grow linearly:
// the 50,000-line file within 12× the 5,000-line one (10× the work, and headroom for the
// garbage collector). Reference: the 5,000-line file. Timed as it ships (bench/shipped.ts).

import type * as Format from '../format/format.js';
import type { BenchOptions, BenchRow } from './bench-kit.js';
import { timeMedian } from './bench-kit.js';
import { generatePolicy } from './generate-policy.js';
import { importShipped } from './shipped.js';

const SMALL = 5_000;
const LARGE = 50_000;
const TARGET_RATIO = 12;

/** The generated policy with a comment above every list entry and after every setting of a server. */
function commentedPolicy(lines: number): string {
  const out: string[] = [];
  for (const line of generatePolicy(lines).split('\n')) {
    if (/^ {2}(10\.|domain )/.test(line)) out.push('  # why this host may connect', line);
    else if (/^ {2}[a-z]/.test(line)) out.push(`${line}  # checked at review`);
    else out.push(line);
  }
  return out.join('\n');
}

export async function run({ quick }: BenchOptions): Promise<BenchRow[]> {
  const { formatPolicy } = await importShipped<typeof Format>('format/format.ts');
  // The generator counts lines before comments are added: halve it so the file has the size named.
  const small = commentedPolicy(SMALL / 2);
  const large = commentedPolicy(LARGE / 2);
  const format = (text: string) => formatPolicy(text, { filepath: 'bench.smtppolicy' });
  const smallMs = await timeMedian(quick ? 3 : 7, () => format(small));
  const largeMs = await timeMedian(quick ? 1 : 3, () => format(large));
  const ratio = largeMs / smallMs;
  const lines = (text: string) => text.split('\n').length.toLocaleString('en');
  const reference = { name: `format ${lines(small)} lines`, value: smallMs };
  return [
    { name: `format ${lines(small)} lines, a comment per entry`, value: smallMs, unit: 'ms' },
    {
      name: `format ${lines(large)} lines, a comment per entry`,
      value: largeMs,
      unit: 'ms',
      reference,
      target: `≤ ${TARGET_RATIO}× the ${lines(small)}-line file`,
      met: ratio <= TARGET_RATIO,
    },
  ];
}
