// The connection slots one process's shared state holds in Redis, kept as one lease (a
// member of the leases set, renewed by a timer) with a count per field (redis-scripts.ts'
// LEASES), instead of one sorted-set member per slot in three sets. A connection then
// costs one script (ADMIT, which also carries the frees queued since the last one) instead
// of two with a dozen sorted-set calls each, and a process that dies takes its slots with
// it: its lease is dropped by the primary that saw it die (DROP_PROCESS) or reaped by any
// host once it expires.
//
// Why the limits still hold exactly. Redis admits a slot only in ADMIT, which checks the
// sums and adds to them in one atomic step, and the sums are always the shares of the live
// leases (the scripts' invariant). So a limit can only be exceeded if a lease's share is
// less than the slots its process really holds. That never happens while the lease lives:
//  - a share grows in the same step that grants (ADMIT) and shrinks only by frees this
//    process sends after its session ended (queued: Redis counts the slot a few ms longer,
//    which can refuse but never admit too many);
//  - a script whose outcome is unknown (a timeout, a cut connection) may have taken a slot
//    or applied frees, which only makes the share larger than the truth, never smaller;
//    the share is then made exact again (RESYNC: every lease of this state dropped, one new
//    lease holding exactly the slots held now) before the next admission, while no
//    admission is in flight, so no grant can fall between the count sent and the drop.
// The one gap is the lease's own: a process that cannot renew it for a whole lease (Redis
// unreachable, or the process stalled that long) is taken for dead, and its sessions are
// not counted from then until its next script, which finds the lease gone and resyncs.
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { DROP_PROCESS, RELEASE, RENEW, RESYNC, ADMIT } from './redis-scripts.js';
import type { ScriptRunner } from './redis-limits.js';

/** This process's prefix of lease names: unique across hosts and restarts (the primary drops a dead worker's by it). */
export const PROCESS_LEASES = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}:`;

/** How long a free waits to go to Redis with the next admission before it goes alone. */
const FREE_DELAY_MS = 5;

let instances = 0;

/** The slot of one session, as the fields it counts in. */
export type SlotFields = readonly [total: string, address: string, network: string];

export interface LeaseKeys {
  leases: string;
  slots: string;
  leasePrefix: string;
}

export function leaseKeys(prefix: string): LeaseKeys {
  return { leases: `${prefix}leases`, slots: `${prefix}slots`, leasePrefix: `${prefix}lease:` };
}

/** Frees every slot of a process whose leases start with `owner` (a dead worker's); resolves the slots freed. */
export async function dropProcessLeases(redis: ScriptRunner, prefix: string, owner: string): Promise<number> {
  const keys = leaseKeys(prefix);
  return Number(await redis.run(DROP_PROCESS, [keys.leases, keys.slots], [keys.leasePrefix, owner]));
}

export type AdmitReply = [verdict: string, taken: number];

export class ProcessLease {
  private readonly keys: LeaseKeys;
  /** This state's prefix of lease names (a process may hold several states: the tests' hosts). */
  readonly owner = `${PROCESS_LEASES}${++instances}:`;
  private epoch = 1;
  private current = `${this.owner}1`;
  /** The current lease has not been confirmed by Redis yet: ADMIT creates it. */
  private fresh = true;
  /** The slots held now, per field: what a resync records. */
  private readonly share = new Map<string, number>();
  private frees: string[] = [];
  private freeTimer: NodeJS.Timeout | undefined;
  private needsResync = false;
  private inFlight = 0;
  private resyncing: Promise<void> | undefined;
  private idle: (() => void) | undefined;
  private closed = false;

  constructor(private readonly redis: ScriptRunner, private readonly prefix: string, private readonly leaseMs: number) {
    this.keys = leaseKeys(prefix);
  }

  /**
   * One ADMIT (with the queued frees). `extra` is ADMIT's arguments after the fields.
   * Resolves Redis's reply; on 'ok' the slot is this process's until `free(fields)`.
   */
  async admit(good: string, fields: SlotFields, extra: (string | number)[]): Promise<AdmitReply> {
    for (let attempt = 0; ; attempt++) {
      await this.settle();
      const lease = this.current;
      const frees = this.takeFrees();
      this.inFlight++;
      let reply: AdmitReply;
      try {
        reply = (await this.redis.run(ADMIT, [this.keys.leases, this.keys.slots, good], [
          this.keys.leasePrefix, lease, this.leaseMs, this.fresh ? '1' : '0', ...fields, ...extra, ...frees,
        ])) as AdmitReply;
      } catch (error) {
        // it may have run: the share may now be larger than the slots held
        this.needsResync = true;
        throw error;
      } finally {
        if (--this.inFlight === 0) this.idle?.();
      }
      if (lease === this.current) this.fresh = false;
      if (reply[0] === 'lease-lost' && attempt < 2) {
        if (lease === this.current) this.needsResync = true;
        continue;
      }
      if (reply[0] === 'ok') for (const field of fields) this.share.set(field, (this.share.get(field) ?? 0) + 1);
      return reply;
    }
  }

  /** A session ended: its slot goes to Redis with the next ADMIT, or alone within FREE_DELAY_MS. */
  free(fields: SlotFields): void {
    for (const field of fields) {
      const left = (this.share.get(field) ?? 1) - 1;
      if (left > 0) this.share.set(field, left);
      else this.share.delete(field);
    }
    this.frees.push(...fields);
    this.freeTimer ??= setTimeout(() => void this.flushFrees(), FREE_DELAY_MS);
  }

  /** The timer's renewal; resolves the slots taken of each total field asked. */
  async renew(totals: string[]): Promise<number[] | undefined> {
    await this.settle();
    const reply = (await this.redis.run(RENEW, [this.keys.leases, this.keys.slots], [this.keys.leasePrefix, this.current, this.leaseMs, ...totals])) as number[];
    // a lease that was never confirmed is not lost: the first ADMIT creates it
    if (reply[0] === 0 && !this.fresh) {
      this.needsResync = true;
      await this.settle();
    }
    return reply.slice(1).map(Number);
  }

  /** A closing process lets its slots go at once instead of a lease later. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.freeTimer);
    await dropProcessLeases(this.redis, this.prefix, this.owner).catch(() => {});
  }

  private takeFrees(): string[] {
    clearTimeout(this.freeTimer);
    this.freeTimer = undefined;
    const frees = this.frees;
    this.frees = [];
    return frees;
  }

  private async flushFrees(): Promise<void> {
    const frees = this.takeFrees();
    // a resync pending records the share, which no longer has these slots
    if (frees.length === 0 || this.closed || this.needsResync) return;
    this.inFlight++;
    try {
      await this.redis.run(RELEASE, [this.keys.leases, this.keys.slots], [this.keys.leasePrefix, this.current, ...frees]);
    } catch {
      // Redis counts these slots until the resync, which records the share without them
      this.needsResync = true;
    } finally {
      if (--this.inFlight === 0) this.idle?.();
    }
  }

  /** Runs a pending resync first (once no script of this state is in flight). */
  private async settle(): Promise<void> {
    while (this.needsResync && !this.closed) {
      this.resyncing ??= this.resync().finally(() => (this.resyncing = undefined));
      await this.resyncing;
    }
  }

  private async resync(): Promise<void> {
    while (this.inFlight > 0) await new Promise<void>((resolve) => (this.idle = resolve));
    this.idle = undefined;
    // the queued frees are already out of the share: the new lease never counts them
    this.takeFrees();
    const next = `${this.owner}${++this.epoch}`;
    const pairs: (string | number)[] = [];
    for (const [field, count] of this.share) pairs.push(field, count);
    // throws when Redis is still away: the caller's decision is then the fallback's, and the
    // next script tries again
    await this.redis.run(RESYNC, [this.keys.leases, this.keys.slots], [this.keys.leasePrefix, this.owner, next, this.leaseMs, ...pairs]);
    this.current = next;
    this.fresh = false;
    this.needsResync = false;
  }
}
