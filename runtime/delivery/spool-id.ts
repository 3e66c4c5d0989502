// Queue ids: time-sortable (lexicographic order = arrival order within a process and, across
// processes, to the millisecond), unique (a per-process sequence plus random bits), and safe
// as file names (lower-case base-36 and hex only).
import { randomHex } from './random-hex.js';

const TIME_WIDTH = 9; // base-36 milliseconds: enough until the year 5188
const SEQUENCE_WIDTH = 4;
let lastMillis = 0;
let sequence = 0;

export const SPOOL_ID_PATTERN = /^[0-9a-z]{13}-[0-9a-f]{10}$/;

export function newSpoolId(now: number = Date.now()): string {
  if (now === lastMillis) {
    sequence = (sequence + 1) % 36 ** SEQUENCE_WIDTH;
  } else {
    lastMillis = now;
    sequence = 0;
  }
  const time = now.toString(36).padStart(TIME_WIDTH, '0');
  const seq = sequence.toString(36).padStart(SEQUENCE_WIDTH, '0');
  return `${time}${seq}-${randomHex(5)}`;
}

export function isSpoolId(value: string): boolean {
  return SPOOL_ID_PATTERN.test(value);
}
