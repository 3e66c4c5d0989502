// The messages the delivery worker will start next, and the slots they run in, per kind of
// destination (issue 19): a local delivery is a Maildir write and two fsyncs (one shared),
// done in milliseconds, while a relayed one may wait a whole SMTP timeout on a hung smart
// host. One constant for both either starves local mail behind a hung relay or keeps local
// delivery below what the disk does; so each kind has its own queue and its own limit, and
// a message with any relayed recipient counts as relayed.
//
// A message arrives here either from the intake (the spool's stored signal, with its
// envelope and usually its bytes) or from a scan of the spool (retries, a restart). Bytes
// handed over are kept only within a memory budget; past it a message is read back from
// its file when it starts.
//
// A relayed message whose destinations are all busy (as many transactions as one
// destination may have: worker.ts says which) is passed over, not started: started, it would
// hold a relay slot while it waits for its destination, and a few messages for one slow
// domain would hold every slot and stop the mail for all other domains (head-of-line
// blocking). Passed-over messages keep their order and are looked at first next time.
import type { StoredEnvelope } from './spool.js';

export type DestinationKind = 'local' | 'relay';

export interface Pending {
  id: string;
  envelope: StoredEnvelope;
  /** The message bytes when the spool handed them over and the budget allowed it. */
  bytes: Buffer | null;
  /** Whether state/<id>.json may exist (false only for a message fresh from the intake). */
  mayHaveState: boolean;
  force?: 'all' | 'held';
  /** The destinations its relayed recipients go to, once the worker has worked them out. */
  destinations?: readonly string[];
}

/** Whether a waiting message may start now (its destinations have room). */
export type Admit = (pending: Pending) => boolean;

const ADMIT_ALL: Admit = () => true;

/** Passed-over messages kept per kind at most: past that, the queue waits as before. */
const PASSED_OVER_MAX = 256;

export interface DispatchLimits {
  local: number;
  relay: number;
  /** Bytes of handed-over messages kept waiting in memory at most. */
  heldBytes: number;
}

export function kindOf(envelope: StoredEnvelope): DestinationKind {
  return envelope.recipients.some((r) => r.route === 'relay') ? 'relay' : 'local';
}

/** A FIFO with O(1) take from the front. */
class Fifo<T> {
  #items: T[] = [];
  #head = 0;

  get length(): number {
    return this.#items.length - this.#head;
  }

  push(item: T): void {
    this.#items.push(item);
  }

  shift(): T | undefined {
    if (this.#head >= this.#items.length) return undefined;
    const item = this.#items[this.#head]!;
    this.#items[this.#head] = undefined as T;
    this.#head += 1;
    // compact once the consumed front outweighs what is left
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }
}

export class DispatchQueue {
  readonly #limits: DispatchLimits;
  readonly #waiting = { local: new Fifo<Pending>(), relay: new Fifo<Pending>() };
  /** Messages passed over because their destinations were busy, oldest first: they come before #waiting. */
  readonly #passedOver: Record<DestinationKind, Pending[]> = { local: [], relay: [] };
  readonly #running = { local: 0, relay: 0 };
  /** Ids waiting here or running: a message is never started twice at once. */
  readonly #known = new Set<string>();
  /** Entries withdrawn while waiting (an operator held or deleted them), by id: skipped when their turn comes. */
  readonly #withdrawn = new Map<string, number>();
  #withdrawnCount = 0;
  #heldBytes = 0;

  constructor(limits: DispatchLimits) {
    this.#limits = limits;
  }

  /** The most messages in flight at once: also the most a crash can deliver twice. */
  get maxInFlight(): number {
    return this.#limits.local + this.#limits.relay;
  }

  has(id: string): boolean {
    return this.#known.has(id);
  }

  get waiting(): number {
    return this.#waiting.local.length + this.#waiting.relay.length + this.#passedOver.local.length + this.#passedOver.relay.length - this.#withdrawnCount;
  }

  get running(): number {
    return this.#running.local + this.#running.relay;
  }

  /** Adds a message unless it is already waiting or running; returns whether it was added. */
  add(pending: Pending): boolean {
    if (this.#known.has(pending.id)) return false;
    if (pending.bytes !== null) {
      if (this.#heldBytes + pending.bytes.length > this.#limits.heldBytes) pending = { ...pending, bytes: null };
      else this.#heldBytes += pending.bytes.length;
    }
    this.#known.add(pending.id);
    this.#waiting[kindOf(pending.envelope)].push(pending);
    return true;
  }

  /** Takes the next messages that have a free slot and that `admit` lets start, marking them running. */
  *startable(admit: Admit = ADMIT_ALL): Generator<{ pending: Pending; kind: DestinationKind }> {
    for (const kind of ['local', 'relay'] as const) {
      while (this.#running[kind] < this.#limits[kind]) {
        // destinations only limit relayed mail: local messages are not asked about
        const pending = this.#next(kind, kind === 'relay' ? admit : ADMIT_ALL);
        if (!pending) break;
        this.#running[kind] += 1;
        yield { pending, kind };
      }
    }
  }

  /** The oldest waiting message `admit` lets start, passed-over ones first; undefined when none. */
  #next(kind: DestinationKind, admit: Admit): Pending | undefined {
    const passed = this.#passedOver[kind];
    for (let i = 0; i < passed.length; i++) {
      const pending = passed[i]!;
      // A withdrawn entry is older than any entry for the same id added since: skip it.
      if (this.#takeWithdrawn(pending.id)) {
        passed.splice(i--, 1);
        this.#release(pending);
        continue;
      }
      if (!admit(pending)) continue;
      passed.splice(i, 1);
      this.#release(pending);
      return pending;
    }
    while (passed.length < PASSED_OVER_MAX) {
      const pending = this.#waiting[kind].shift();
      if (!pending) return undefined;
      if (this.#takeWithdrawn(pending.id)) {
        this.#release(pending);
        continue;
      }
      if (admit(pending)) {
        this.#release(pending);
        return pending;
      }
      passed.push(pending);
    }
    return undefined;
  }

  /** A waiting entry leaves the queue: its handed-over bytes no longer count against the budget. */
  #release(pending: Pending): void {
    if (pending.bytes !== null) this.#heldBytes -= pending.bytes.length;
  }

  /**
   * Takes a waiting message out of the queue (the caller knows it is not running): it will
   * not start from this entry. The message can be added again at once.
   */
  withdraw(id: string): void {
    if (!this.#known.delete(id)) return;
    this.#withdrawn.set(id, (this.#withdrawn.get(id) ?? 0) + 1);
    this.#withdrawnCount += 1;
  }

  #takeWithdrawn(id: string): boolean {
    const count = this.#withdrawn.get(id);
    if (count === undefined) return false;
    if (count === 1) this.#withdrawn.delete(id);
    else this.#withdrawn.set(id, count - 1);
    this.#withdrawnCount -= 1;
    return true;
  }

  /** A started message has finished (delivered, deferred or failed): its slot is free. */
  finished(id: string, kind: DestinationKind): void {
    this.#known.delete(id);
    this.#running[kind] -= 1;
  }
}
