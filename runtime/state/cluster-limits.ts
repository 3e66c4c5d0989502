// The shared state of a `serve --workers` worker: every slot and throttle decision is a
// request to the primary (state-service.ts), which answers from the one store of the host,
// so that a per-address limit of 5 admits exactly 5 sessions whichever workers they reach.
// What the worker keeps itself is only a lower bound (its own open sessions), to refuse a
// flood before building a session, and the stress flag the primary broadcasts.
//
// When the primary cannot be asked (the IPC channel closed: the primary is gone), every
// request fails: the session gets a 421 (or a 454 for AUTH), never a slot or a password
// check that no one counts.
import { ConnectionCounter } from './connection-counter.js';
import { admitToSlot } from './slot-rules.js';
import type { ThrottleVerdict } from '../auth/auth-throttle.js';
import type { SlotRefusal } from './slot-rules.js';
import type { Admission, AttemptResult, CheckOutcome, RateVerdict, ServerLimits, SharedLimitNumbers, SharedState } from './shared-limits.js';
import { isStateMessage, type StateReply, type StateRequest } from './state-messages.js';

/** The worker's end of the IPC channel (process.send / process.on('message') in a worker). */
export interface StatePort {
  send(message: StateRequest): void;
  onMessage(listener: (message: unknown) => void): void;
}

interface Pending {
  resolve(reply: StateReply): void;
  reject(error: Error): void;
}

export class PrimaryUnreachableError extends Error {
  constructor(cause: unknown) {
    super(`the primary process cannot be asked about shared limits: ${(cause as Error)?.message ?? String(cause)}`, { cause });
  }
}

export class ClusterSharedState implements SharedState {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly stressed = new Map<string, boolean>();
  /** This worker's own sessions per server: a lower bound of the host's counts. */
  private readonly local = new Map<string, ConnectionCounter>();

  constructor(private readonly port: StatePort) {
    port.onMessage((message) => {
      if (!isStateMessage(message)) return;
      const reply = message as StateReply;
      if ('stress' in reply) {
        this.stressed.set(reply.stress.server, reply.stress.stressed);
        return;
      }
      const waiter = this.pending.get(reply.id);
      if (!waiter) return;
      this.pending.delete(reply.id);
      waiter.resolve(reply);
    });
  }

  server(name: string, limits: SharedLimitNumbers): ServerLimits {
    let counter = this.local.get(name);
    if (!counter) this.local.set(name, (counter = new ConnectionCounter()));
    return new ClusterServerLimits(this, name, limits, counter);
  }

  /** Sends one message; a closed channel is the caller's error, not a silent drop. */
  post(message: StateRequest): void {
    try {
      this.port.send(message);
    } catch (error) {
      throw new PrimaryUnreachableError(error);
    }
  }

  ask<R extends StateReply>(build: (id: number) => StateRequest): Promise<R> {
    const id = this.nextId++;
    return new Promise<R>((resolve, reject) => {
      this.pending.set(id, { resolve: (reply) => resolve(reply as R), reject });
      try {
        this.port.send(build(id));
      } catch (error) {
        this.pending.delete(id);
        reject(new PrimaryUnreachableError(error));
      }
    });
  }

  /** The primary is gone: every request waiting for it fails (its sessions answer 421 / 454). */
  disconnected(): void {
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const waiter of waiting) waiter.reject(new PrimaryUnreachableError(new Error('the IPC channel closed')));
  }

  isStressed(name: string): boolean {
    return this.stressed.get(name) ?? false;
  }

  noteStress(name: string, stressed: boolean): void {
    this.stressed.set(name, stressed);
  }
}

class ClusterServerLimits implements ServerLimits {
  constructor(
    private readonly state: ClusterSharedState,
    private readonly name: string,
    private readonly limits: SharedLimitNumbers,
    private readonly local: ConnectionCounter,
  ) {}

  // As if the client were known good: the primary knows, this worker does not, and a
  // precheck must never refuse what the primary would grant (local counts ≤ the host's).
  precheck(address: string): SlotRefusal | null {
    return admitToSlot(this.limits, this.local, address, true);
  }

  async admit(address: string): Promise<Admission> {
    const reply = await this.state.ask<StateReply & { stressed: boolean }>((id) => this.request('admit', address, id));
    this.state.noteStress(this.name, reply.stressed);
    if ('refusal' in reply) return { refusal: reply.refusal };
    const slotId = (reply as { slot: number }).slot;
    const releaseLocal = this.local.add(address);
    let released = false;
    return {
      slot: {
        release: () => {
          if (released) return;
          released = true;
          releaseLocal();
          // the primary frees a gone worker's slots itself (state-service.ts)
          try {
            this.state.post({ channel: 'state', op: 'release', slot: slotId });
          } catch {
            // the channel is closed: the primary, if alive, has released every slot of this worker
          }
        },
      },
    };
  }

  underStress(): boolean {
    return this.state.isStressed(this.name);
  }

  rememberGood(address: string): void {
    try {
      this.state.post(this.request('good', address));
    } catch {
      // the primary is gone: this worker stops taking sessions anyway (worker.ts)
    }
  }

  async authLockedOut(address: string): Promise<boolean> {
    const reply = await this.state.ask<{ channel: 'state'; id: number; lockedOut: boolean }>((id) => this.request('locked-out', address, id));
    return reply.lockedOut;
  }

  async authAttempt(address: string, user: string, check: () => Promise<CheckOutcome>): Promise<AttemptResult> {
    let turn = 0;
    const begun = await this.state.ask<StateReply>((id) => {
      turn = id;
      return { ...this.request('auth-begin', address, id), user };
    });
    if (!('go' in begun)) return 'locked-out';
    let outcome: CheckOutcome;
    try {
      outcome = await check();
    } catch (error) {
      this.state.post({ channel: 'state', op: 'auth-end', turn, outcome: 'none' });
      throw error;
    }
    const kind = 'user' in outcome ? 'success' : 'failed' in outcome ? 'failure' : 'none';
    const ended = await this.state.ask<{ channel: 'state'; id: number; verdict: ThrottleVerdict | null }>((id) => ({ channel: 'state', op: 'auth-end', id, turn, outcome: kind }));
    if ('user' in outcome || 'unavailable' in outcome) return outcome;
    if (!ended.verdict) throw new Error('the primary recorded no verdict for a failed login');
    return { verdict: ended.verdict };
  }

  // The rate limits (issue 22's "rate22" branch) bring this request to the primary; until
  // they are merged nothing calls it, and a call must not pass as allowed.
  async rateHit(): Promise<RateVerdict> {
    throw new Error('rateHit through the primary is not implemented on this branch (the rate-limits branch adds it)');
  }

  private request<O extends 'admit' | 'good' | 'locked-out' | 'auth-begin'>(op: O, address: string, id?: number) {
    return { channel: 'state' as const, op, server: this.name, limits: this.limits, address, ...(id === undefined ? {} : { id }) } as Extract<StateRequest, { op: O }>;
  }
}
