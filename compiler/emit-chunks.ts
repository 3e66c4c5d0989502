// The runtime config's JSON text in pieces of about CHUNK_CHARS characters, exactly as
// `JSON.stringify(config, null, 2)` spells it. A 50 MB policy compiles to a config of
// several hundred megabytes of JSON: built as one string it was the largest single thing in
// memory (and near V8's limit on a string's length), so `compile` writes it piece by piece.

/** Pieces are joined up to about this many characters before they are handed out. */
export const CHUNK_CHARS = 64 * 1024;

const INDENT = '  ';

/** The JSON text of `value` (plain data: objects, arrays, strings, numbers, booleans, null). */
export function* jsonChunks(value: unknown): Generator<string> {
  let pending = '';
  // An explicit stack instead of recursion: nesting comes from the config's shape, but a
  // serializer that cannot overflow need not be argued about.
  type Frame = { close: string; indent: string; entries: [string | undefined, unknown][]; next: number };
  const stack: Frame[] = [];
  const open = (value: unknown, key: string, indent: string): string => {
    // as JSON.stringify does: a value with toJSON (a Date) is written as what that returns
    const node = hasToJson(value) ? value.toJSON(key) : value;
    const json = jsonOf(node);
    if (json !== undefined) return json;
    const isArray = Array.isArray(node);
    const entries: [string | undefined, unknown][] = isArray
      ? (node as unknown[]).map((element) => [undefined, element])
      : Object.keys(node as object)
          .map((key): [string, unknown] => [key, (node as Record<string, unknown>)[key]])
          .filter(([, v]) => isSerialisable(v));
    if (entries.length === 0) return isArray ? '[]' : '{}';
    stack.push({ close: isArray ? ']' : '}', indent, entries, next: 0 });
    return isArray ? '[' : '{';
  };

  pending += open(value, '', '');
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    if (frame.next === frame.entries.length) {
      stack.pop();
      pending += `\n${frame.indent}${frame.close}`;
    } else {
      const [key, element] = frame.entries[frame.next]!;
      const indent = frame.indent + INDENT;
      pending += `${frame.next === 0 ? '' : ','}\n${indent}${key === undefined ? '' : `${JSON.stringify(key)}: `}`;
      frame.next++;
      // in an array, what JSON.stringify writes as null (undefined, a function) is null here too
      pending += key === undefined && !isSerialisable(element) ? 'null' : open(element, key ?? String(frame.next - 1), indent);
    }
    if (pending.length >= CHUNK_CHARS) {
      yield pending;
      pending = '';
    }
  }
  yield `${pending}\n`;
}

function isSerialisable(value: unknown): boolean {
  return value !== undefined && typeof value !== 'function' && typeof value !== 'symbol';
}

function hasToJson(value: unknown): value is { toJSON(key: string): unknown } {
  return typeof value === 'object' && value !== null && typeof (value as { toJSON?: unknown }).toJSON === 'function';
}

/** The text of a value that has no members to lay out, else undefined. */
function jsonOf(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  return undefined;
}
