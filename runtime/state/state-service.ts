// The primary's side of the shared state of `serve --workers`: one LocalSharedState for the
// host, answering the workers' requests (state-messages.ts) one at a time on the primary's
// event loop, so that a check and the count it changes are one step for every worker.
// It remembers which worker holds which slot and which throttle turn: when a worker dies
// its slots are freed and its turns end without an outcome, so a crash neither leaks
// connection slots nor blocks the logins of a network or a user.
import { LocalSharedState, type LocalServerLimits } from './local-limits.js';
import type { CheckOutcome } from './shared-limits.js';
import type { StateReply, StateRequest } from './state-messages.js';

export interface WorkerPort {
  readonly id: number;
  send(message: StateReply): void;
}

interface Turn {
  worker: number;
  finish(outcome: CheckOutcome, replyId: number | undefined): void;
}

export class StateService {
  private nextSlot = 1;
  private readonly slots = new Map<number, { worker: number; server: string; limits: LocalServerLimits; release: () => void }>();
  private readonly turns = new Map<string, Turn>();
  /** The stress flag last told to the workers, per server. */
  private readonly stressTold = new Map<string, boolean>();

  constructor(
    /** Tells every live worker (a stress flag changed). */
    private readonly broadcast: (message: StateReply) => void,
    readonly store = new LocalSharedState(),
  ) {}

  handle(worker: WorkerPort, message: StateRequest): void {
    switch (message.op) {
      case 'admit': {
        const limits = this.store.server(message.server, message.limits);
        const admission = limits.admit(message.address);
        if ('refusal' in admission) {
          worker.send({ channel: 'state', id: message.id, refusal: admission.refusal, stressed: limits.underStress() });
          return;
        }
        const slot = this.nextSlot++;
        this.slots.set(slot, { worker: worker.id, server: message.server, limits, release: admission.slot.release });
        const stressed = this.noteStress(message.server, limits);
        worker.send({ channel: 'state', id: message.id, slot, stressed });
        return;
      }
      case 'release':
        this.release(message.slot);
        return;
      case 'good':
        this.store.server(message.server, message.limits).rememberGood(message.address);
        return;
      case 'locked-out':
        worker.send({ channel: 'state', id: message.id, lockedOut: this.store.server(message.server, message.limits).lockedOutNow(message.address) });
        return;
      case 'auth-begin': {
        const key = `${worker.id}:${message.id}`;
        let replyTo: number | undefined;
        const limits = this.store.server(message.server, message.limits);
        void limits.authAttempt(message.address, message.user, () => new Promise<CheckOutcome>((resolve) => {
          this.turns.set(key, {
            worker: worker.id,
            finish: (outcome, replyId) => {
              replyTo = replyId;
              resolve(outcome);
            },
          });
          worker.send({ channel: 'state', id: message.id, go: true });
        })).then((result) => {
          this.turns.delete(key);
          if (result === 'locked-out') worker.send({ channel: 'state', id: message.id, lockedOut: true });
          else if (replyTo !== undefined) worker.send({ channel: 'state', id: replyTo, verdict: 'verdict' in result ? result.verdict : null });
        });
        return;
      }
      case 'rate-hit': {
        // one step on the primary's event loop: the check and the count are atomic for the host
        const rate = this.store.rateHitNow(message.server, message.key, message.limit, message.periodMs);
        worker.send({ channel: 'state', id: message.id, rate });
        return;
      }
      case 'auth-end': {
        const turn = this.turns.get(`${worker.id}:${message.turn}`);
        if (!turn) return;
        const user = { user: '' };
        turn.finish(message.outcome === 'success' ? user : message.outcome === 'failure' ? { failed: true } : { unavailable: 'no outcome' }, message.id);
        return;
      }
    }
  }

  /** A worker exited: its sessions are gone with it. */
  workerGone(workerId: number): void {
    for (const [slot, held] of this.slots) if (held.worker === workerId) this.release(slot);
    for (const turn of this.turns.values()) if (turn.worker === workerId) turn.finish({ unavailable: 'the worker exited' }, undefined);
  }

  /** Sessions holding a slot, per worker (the primary's /healthz and logs). */
  slotsHeld(): number {
    return this.slots.size;
  }

  private release(slot: number): void {
    const held = this.slots.get(slot);
    if (!held) return;
    this.slots.delete(slot);
    held.release();
    this.noteStress(held.server, held.limits);
  }

  private noteStress(server: string, limits: LocalServerLimits): boolean {
    const stressed = limits.underStress();
    if ((this.stressTold.get(server) ?? false) !== stressed) {
      this.stressTold.set(server, stressed);
      this.broadcast({ channel: 'state', stress: { server, stressed } });
    }
    return stressed;
  }
}
