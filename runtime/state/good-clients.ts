// A bounded, expiring memory of client addresses that completed a transaction (a message
// acknowledged with 250) or a login. The last slots of the connection limit are kept for
// them: an attacker who fills the server with silent sessions from addresses that never
// sent mail cannot keep out the clients that do (Postfix's postscreen keeps a similar
// cache of clients that passed its tests).
//
// Exact addresses, not networks: a neighbour in the same /24 or /64 earns nothing from a
// good client's history.

export interface GoodClientsOptions {
  /** How long a completed transaction keeps an address known. */
  ttlMs: number;
  /** Most addresses remembered; the least recently good is forgotten first. */
  maxEntries: number;
  now?: () => number;
}

export class GoodClients {
  /** address → when it last completed a transaction; insertion order is recency order. */
  private readonly seen = new Map<string, number>();
  private readonly now: () => number;

  constructor(private readonly options: GoodClientsOptions) {
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.seen.size;
  }

  remember(address: string): void {
    this.seen.delete(address);
    this.seen.set(address, this.now());
    while (this.seen.size > this.options.maxEntries) this.seen.delete(this.seen.keys().next().value as string);
  }

  isKnown(address: string): boolean {
    const at = this.seen.get(address);
    if (at === undefined) return false;
    if (this.now() - at < this.options.ttlMs) return true;
    this.seen.delete(address);
    return false;
  }
}
