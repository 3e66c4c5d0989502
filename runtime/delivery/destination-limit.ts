// At most N transactions at once per destination (a recipient domain, or a route's host),
// as Postfix's default_destination_concurrency_limit: one busy domain must not see every
// relay slot open a connection to it at once (receivers throttle or refuse that), while
// the other slots stay free for other domains as soon as they have something to send.
export class DestinationLimit {
  readonly #limit: number;
  readonly #running = new Map<string, number>();
  readonly #waiting = new Map<string, Array<() => void>>();

  constructor(limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`destination concurrency must be a whole number ≥ 1, found ${limit}`);
    this.#limit = limit;
  }

  /** Runs `work` when the destination has a free slot. */
  async run<T>(destination: string, work: () => Promise<T>): Promise<T> {
    await this.#acquire(destination);
    try {
      return await work();
    } finally {
      this.#release(destination);
    }
  }

  #acquire(destination: string): Promise<void> {
    const running = this.#running.get(destination) ?? 0;
    if (running < this.#limit) {
      this.#running.set(destination, running + 1);
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const queue = this.#waiting.get(destination) ?? [];
      queue.push(resolve);
      this.#waiting.set(destination, queue);
    });
  }

  #release(destination: string): void {
    const queue = this.#waiting.get(destination);
    const next = queue?.shift();
    if (next) {
      // the slot passes straight to the next waiter: the count stays as it is
      if (queue!.length === 0) this.#waiting.delete(destination);
      next();
      return;
    }
    const running = (this.#running.get(destination) ?? 1) - 1;
    if (running === 0) this.#running.delete(destination);
    else this.#running.set(destination, running);
  }
}
