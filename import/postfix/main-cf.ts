// main.cf as Postfix reads it: `name = value` logical lines; the last definition of a name
// wins (as in Postfix). A line that is not `name = value` is an error at its position.
import { logicalLines, PostfixSyntaxError, type PostfixPosition } from './positions.js';

export interface PostfixParameter {
  name: string;
  /** The value as written (not yet expanded). */
  value: string;
  /** Where the setting is: its name's position. */
  position: PostfixPosition;
}

export function parseMainCf(text: string, file: string): Map<string, PostfixParameter> {
  const parameters = new Map<string, PostfixParameter>();
  for (const line of logicalLines(text, file)) {
    const match = /^([A-Za-z0-9_.-]+)\s*=\s*(.*)$/.exec(line.text);
    if (!match) {
      const at = /^[A-Za-z0-9_.-]+\s*/.exec(line.text)?.[0].length ?? 0;
      throw new PostfixSyntaxError(line.positionAt(at), at === 0 ? `expected a parameter name, found '${line.text[0]}'` : `expected '=' after the parameter name '${line.text.slice(0, at).trim()}'`);
    }
    parameters.set(match[1]!, { name: match[1]!, value: match[2]!.trim(), position: line.position });
  }
  return parameters;
}
