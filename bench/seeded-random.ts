// A seeded pseudo-random generator (mulberry32): the same seed gives the same sequence, so a
// benchmark measures the same generated lists on every run and a property test that draws
// only the seed can shrink and replay a failure.

/** Numbers in [0, 1), from a 32-bit seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
