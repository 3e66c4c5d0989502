// Open sessions of one virtual server (across its listeners), in total and per client
// address, so that the limits are checked when a connection arrives, before any work.

export class ConnectionCounter {
  private total = 0;
  private readonly perAddress = new Map<string, number>();

  get size(): number {
    return this.total;
  }

  countFor(address: string): number {
    return this.perAddress.get(address) ?? 0;
  }

  /** Registers a session; the returned function releases it (idempotent). */
  add(address: string): () => void {
    this.total++;
    this.perAddress.set(address, this.countFor(address) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.total--;
      const left = this.countFor(address) - 1;
      if (left <= 0) this.perAddress.delete(address);
      else this.perAddress.set(address, left);
    };
  }
}
