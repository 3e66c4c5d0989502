// master.cf as Postfix reads it: one service per logical line, eight fields (service, type,
// private, unpriv, chroot, wakeup, maxproc, command) then the command's arguments, of which
// `-o name=value` (or `-o { name = value }`) overrides a main.cf parameter for that service.
import type { PostfixParameter } from './main-cf.js';
import { logicalLines, PostfixSyntaxError, type LogicalLine, type PostfixPosition } from './positions.js';

export interface MasterService {
  service: string;
  type: string;
  maxproc: string;
  command: string;
  /** `-o` overrides, by name (the last one wins). */
  overrides: Map<string, PostfixParameter>;
  position: PostfixPosition;
}

const TYPES = new Set(['inet', 'unix', 'unix-dgram', 'fifo', 'pass']);
const FIELDS = ['service', 'type', 'private', 'unpriv', 'chroot', 'wakeup', 'maxproc', 'command'];

interface Token {
  text: string;
  index: number;
}

/** Splits on whitespace; `{ … }` (with spaces inside) is one token, as Postfix 3.0+ reads it. */
function tokens(line: LogicalLine): Token[] {
  const result: Token[] = [];
  const text = line.text;
  let i = 0;
  while (i < text.length) {
    if (/\s/.test(text[i]!)) {
      i++;
      continue;
    }
    const start = i;
    if (text[i] === '{') {
      let depth = 0;
      for (; i < text.length; i++) {
        if (text[i] === '{') depth++;
        else if (text[i] === '}' && --depth === 0) break;
      }
      if (i >= text.length) throw new PostfixSyntaxError(line.positionAt(start), "expected '}' to close this '{'");
      i++;
    } else {
      while (i < text.length && !/\s/.test(text[i]!)) i++;
    }
    result.push({ text: text.slice(start, i), index: start });
  }
  return result;
}

function override(line: LogicalLine, token: Token): PostfixParameter {
  const text = token.text.startsWith('{') ? token.text.slice(1, -1).trim() : token.text;
  const match = /^([A-Za-z0-9_.-]+)\s*=\s*(.*)$/s.exec(text);
  if (!match) throw new PostfixSyntaxError(line.positionAt(token.index), `expected 'name=value' after -o, found '${token.text}'`);
  return { name: match[1]!, value: match[2]!.trim(), position: line.positionAt(token.index) };
}

export function parseMasterCf(text: string, file: string): MasterService[] {
  return logicalLines(text, file).map((line) => {
    const all = tokens(line);
    if (all.length < FIELDS.length) {
      throw new PostfixSyntaxError(line.positionAt(line.text.length), `expected ${FIELDS.length} fields (${FIELDS.join(' ')}), found ${all.length}: the ${FIELDS[all.length]} field is missing`);
    }
    const type = all[1]!;
    if (!TYPES.has(type.text)) throw new PostfixSyntaxError(line.positionAt(type.index), `expected a service type (${[...TYPES].join(', ')}), found '${type.text}'`);
    const overrides = new Map<string, PostfixParameter>();
    const args = all.slice(FIELDS.length);
    for (let i = 0; i < args.length; i++) {
      const arg = args[i]!;
      if (arg.text === '-o') {
        const next = args[++i];
        if (!next) throw new PostfixSyntaxError(line.positionAt(arg.index + 2), "expected 'name=value' after -o");
        const parameter = override(line, next);
        overrides.set(parameter.name, { ...parameter, position: line.positionAt(arg.index) });
      } else if (arg.text.startsWith('-o') && arg.text.length > 2) {
        const parameter = override(line, { text: arg.text.slice(2), index: arg.index + 2 });
        overrides.set(parameter.name, { ...parameter, position: line.positionAt(arg.index) });
      }
    }
    return { service: all[0]!.text, type: type.text, maxproc: all[6]!.text, command: all[7]!.text, overrides, position: line.position };
  });
}
