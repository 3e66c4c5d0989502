// A full garbage collection, where a command knows that most of what it allocated has just
// died: a phase of checking a large policy ended, or the syntax tree was let go before the
// report is written.
//
// Left to its own schedule, V8 sets the next full collection at up to four times the heap
// that survived the last one, and a check's heap grows from nothing to its whole syntax tree
// and config: at 55 MB of policy the last collection V8 chose came early (at about 260 MB),
// and dead tokens, copies and per-rule tables piled up to a 1 GB heap before the next.
// Collected at the end of each phase, the peak is what one phase leaves on top of what
// lives. A collection costs about a millisecond per megabyte that lives, so a small heap is
// left to V8 (a small policy's lint would only be slower).

import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Below this much used heap a collection is not worth its time. */
const WORTH_COLLECTING_BYTES = 128 * 1024 * 1024;

let collect: (() => void) | undefined;

export function collectGarbage(): void {
  if (getHeapStatistics().used_heap_size < WORTH_COLLECTING_BYTES) return;
  if (collect === undefined) {
    // How Node's own documentation (v8.setFlagsFromString) reaches `gc` without a command-line
    // flag: the flag exposes it to contexts created after it is set.
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  }
  collect();
}
