// Open sessions of one virtual server (across its listeners), in total, per client
// address and per client network (IPv4 /24, IPv6 /64), so that the limits are checked
// when a connection arrives, before any work.
import { clientNetwork } from '../../net/client-network.js';

export class ConnectionCounter {
  private total = 0;
  private readonly perAddress = new Map<string, number>();
  private readonly perNetwork = new Map<string, number>();

  get size(): number {
    return this.total;
  }

  countFor(address: string): number {
    return this.perAddress.get(address) ?? 0;
  }

  countForNetwork(address: string): number {
    return this.perNetwork.get(clientNetwork(address)) ?? 0;
  }

  /** Registers a session; the returned function releases it (idempotent). */
  add(address: string): () => void {
    const network = clientNetwork(address);
    this.total++;
    increment(this.perAddress, address, 1);
    increment(this.perNetwork, network, 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.total--;
      increment(this.perAddress, address, -1);
      increment(this.perNetwork, network, -1);
    };
  }
}

function increment(map: Map<string, number>, key: string, by: number): void {
  const next = (map.get(key) ?? 0) + by;
  if (next <= 0) map.delete(key);
  else map.set(key, next);
}
