// Runs tasks one at a time per key, in arrival order; tasks of different keys run freely.
// Password checks go through it per client address: a check starts only after the one
// before it has recorded its outcome, so a guesser firing AUTH in many parallel sessions
// gets no more checks than the failure limit (each check sees the failures before it).

export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    // the tail never rejects, so one failed task does not fail the ones queued behind it
    const tail = result.then(() => undefined, () => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Keys with a task running or waiting (bounded by the open sessions). */
  get size(): number {
    return this.tails.size;
  }
}
