// A binary trie over address bits, one root per family, built once per config. A lookup
// walks at most 32 (IPv4) or 128 (IPv6) nodes, whatever the number of entries, and returns
// the longest matching prefix. Two entries for the same network keep the first (policy order).
//
// Nodes live in typed arrays (child indices, entry index) rather than objects: 100,000
// entries make millions of nodes, and flat arrays build faster and stay in cache better.
import { bitAt, type IpFamily } from '../net/ip.js';

const NONE = -1;

export interface TrieMatch<T> {
  value: T;
  prefix: number;
}

export class CidrTrie<T> {
  #zero: Int32Array = new Int32Array(1024).fill(NONE);
  #one: Int32Array = new Int32Array(1024).fill(NONE);
  /** Index into #entries of the network ending at each node, or NONE. */
  #entry: Int32Array = new Int32Array(1024).fill(NONE);
  #nodes = 2; // node 0 is the IPv4 root, node 1 the IPv6 root
  readonly #entries: TrieMatch<T>[] = [];

  /** Entries inserted (a duplicate network counts once). */
  get size(): number {
    return this.#entries.length;
  }

  /** Adds the network `bytes/prefix`; `bytes` beyond the prefix are ignored. */
  insert(family: IpFamily, bytes: readonly number[], prefix: number, value: T): void {
    let node = family === 4 ? 0 : 1;
    for (let i = 0; i < prefix; i++) {
      const children = bitAt(bytes, i) === 0 ? this.#zero : this.#one;
      let child = children[node]!;
      if (child === NONE) {
        child = this.#newNode();
        // #newNode may have grown the arrays: write through the current ones.
        (bitAt(bytes, i) === 0 ? this.#zero : this.#one)[node] = child;
      }
      node = child;
    }
    if (this.#entry[node] === NONE) {
      this.#entry[node] = this.#entries.length;
      this.#entries.push({ value, prefix });
    }
  }

  /** The most specific network containing the address, or undefined. */
  lookup(family: IpFamily, bytes: readonly number[]): TrieMatch<T> | undefined {
    const bits = family === 4 ? 32 : 128;
    const zero = this.#zero;
    const one = this.#one;
    const entry = this.#entry;
    let node = family === 4 ? 0 : 1;
    let best = entry[node]!;
    for (let i = 0; i < bits; i++) {
      node = (((bytes[i >> 3]! >> (7 - (i & 7))) & 1) === 0 ? zero : one)[node]!;
      if (node === NONE) break;
      const found = entry[node]!;
      if (found !== NONE) best = found;
    }
    return best === NONE ? undefined : this.#entries[best];
  }

  #newNode(): number {
    if (this.#nodes === this.#zero.length) {
      this.#zero = grow(this.#zero);
      this.#one = grow(this.#one);
      this.#entry = grow(this.#entry);
    }
    return this.#nodes++;
  }
}

function grow(array: Int32Array): Int32Array {
  const bigger = new Int32Array(array.length * 2).fill(NONE);
  bigger.set(array);
  return bigger;
}
