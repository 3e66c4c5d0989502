// Where a piece of a Postfix file is: file, 1-based line and column. Every error and every
// line of an imported policy points back here, so that a finding on the policy can be shown
// at the Postfix setting it came from.
export interface PostfixPosition {
  file: string;
  line: number;
  column: number;
}

export function formatPosition(position: PostfixPosition): string {
  return `${position.file}:${position.line}:${position.column}`;
}

/** A Postfix file that cannot be read as Postfix reads it: the position and what was expected. */
export class PostfixSyntaxError extends Error {
  constructor(
    readonly position: PostfixPosition,
    readonly reason: string,
  ) {
    super(`${formatPosition(position)}: ${reason}`);
  }
}

/** One logical line (Postfix continues a line that starts with whitespace) and where it starts. */
export interface LogicalLine {
  text: string;
  position: PostfixPosition;
  /** The position of each character of `text` (continuations are joined with one space). */
  positionAt(index: number): PostfixPosition;
}

/**
 * The logical lines of main.cf, master.cf or a table source: comments (`#` first on a line)
 * and blank lines are skipped, a line that starts with whitespace continues the one before.
 */
export function logicalLines(text: string, file: string): LogicalLine[] {
  const lines: Array<{ parts: Array<{ text: string; line: number; column: number }> }> = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/\r$/, '');
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const column = line.length - line.trimStart().length + 1;
    const part = { text: trimmed, line: index + 1, column };
    const last = lines.at(-1);
    if (/^\s/.test(line) && last) last.parts.push(part);
    else lines.push({ parts: [part] });
  });
  return lines.map(({ parts }) => {
    const text = parts.map((p) => p.text).join(' ');
    const first = parts[0]!;
    return {
      text,
      position: { file, line: first.line, column: first.column },
      positionAt(index: number): PostfixPosition {
        let offset = 0;
        for (const part of parts) {
          if (index <= offset + part.text.length) return { file, line: part.line, column: part.column + Math.max(0, index - offset) };
          offset += part.text.length + 1;
        }
        const lastPart = parts.at(-1)!;
        return { file, line: lastPart.line, column: lastPart.column + lastPart.text.length };
      },
    };
  });
}
