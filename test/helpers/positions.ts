// An independent oracle for source positions, for tests that check the parser's ranges:
// every offset's line and column computed in one plain pass (a line ends at \n, \r\n or a
// lone \r), sharing no code with grammar/positions.ts.

import type { Position } from '../../grammar/ast.js';

export function positionsOf(text: string): (offset: number) => Position {
  const lines = new Int32Array(text.length + 1);
  const columns = new Int32Array(text.length + 1);
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i <= text.length; i++) {
    lines[i] = line;
    columns[i] = i - lineStart + 1;
    const c = text[i];
    if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) {
      line++;
      lineStart = i + 1;
    }
  }
  return (offset) => ({ offset, line: lines[offset] as number, column: columns[offset] as number });
}
