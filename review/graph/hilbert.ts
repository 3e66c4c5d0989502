// The Hilbert curve: consecutive addresses stay next to each other on the map, so a CIDR
// block is always one square (even prefix) or two halves side by side (odd prefix), and
// the squares of a block's four quarters lie inside the block's own square. That nesting is
// what lets the map draw a /8 as one cell and a /30 inside it as a tiny one.

/**
 * Position of cell `d` on a `side` × `side` grid (side a power of two), as in Wikipedia's
 * "Hilbert curve" d2xy; cells 4d…4d+3 of the grid twice as fine fill cell d's square.
 */
export function hilbertPoint(side: number, d: number): { x: number; y: number } {
  let x = 0;
  let y = 0;
  let t = d;
  for (let s = 1; s < side; s *= 2) {
    const rx = 1 & Math.floor(t / 2);
    const ry = 1 & (t ^ rx);
    if (ry === 0) {
      if (rx === 1) {
        x = s - 1 - x;
        y = s - 1 - y;
      }
      [x, y] = [y, x];
    }
    x += s * rx;
    y += s * ry;
    t = Math.floor(t / 4);
  }
  return { x, y };
}
