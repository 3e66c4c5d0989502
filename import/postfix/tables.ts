// The lookup tables a configuration names, read the way the import needs them: a list of
// keys with their results and where each is. `cidr:` tables are read as Postfix reads them;
// `hash:`, `btree:`, `lmdb:`, `dbm:` from their source file (the path without `.db`, what
// `postmap` compiles), `texthash:` directly; `inline:{ k=v, … }` and `static:v` from the
// text. Any other type (regexp, pcre, ldap, mysql, …) cannot be turned into a list of
// entries: the caller reports it as approximate.
import { isAbsolute, join } from 'node:path';
import { listItems } from './expand.js';
import { logicalLines, PostfixSyntaxError, type PostfixPosition } from './positions.js';

export interface TableEntry {
  key: string;
  result: string;
  position: PostfixPosition;
}

export type TableRead =
  | { kind: 'entries'; entries: TableEntry[] }
  | { kind: 'static'; result: string }
  | { kind: 'unreadable'; why: string };

export type ReadFile = (path: string) => Promise<string>;

export interface TableContext {
  /** The directory relative table names are read against (config_directory). */
  directory: string;
  readFile: ReadFile;
  /** Where the reference itself is written (for inline tables and errors). */
  position: PostfixPosition;
  /** How the import names files in positions: relative to the directory where possible. */
  displayName(path: string): string;
}

const SOURCE_FILE_TYPES = new Set(['hash', 'btree', 'lmdb', 'dbm', 'sdbm', 'cdb', 'texthash']);

function inlineEntries(body: string, position: PostfixPosition): TableEntry[] {
  return listItems(body).map((item) => {
    const at = item.indexOf('=');
    if (at <= 0) throw new PostfixSyntaxError(position, `expected 'key=value' in an inline table, found '${item}'`);
    return { key: item.slice(0, at).trim().toLowerCase(), result: item.slice(at + 1).trim(), position };
  });
}

function keyValueEntries(text: string, file: string): TableEntry[] {
  return logicalLines(text, file).map((line) => {
    const match = /^(\S+)\s+(.*)$/.exec(line.text);
    if (!match) throw new PostfixSyntaxError(line.positionAt(line.text.length), `expected a key and a value, found only '${line.text}'`);
    return { key: match[1]!.toLowerCase(), result: match[2]!.trim(), position: line.position };
  });
}

export async function readTable(reference: string, context: TableContext): Promise<TableRead> {
  const colon = reference.indexOf(':');
  if (colon < 0) return { kind: 'unreadable', why: `'${reference}' is not a table (expected type:name)` };
  const type = reference.slice(0, colon);
  const name = reference.slice(colon + 1);
  if (type === 'static') return { kind: 'static', result: name.replace(/^\{\s*|\s*\}$/g, '') };
  if (type === 'inline') return { kind: 'entries', entries: inlineEntries(name.replace(/^\{|\}$/g, ''), context.position) };
  if (type !== 'cidr' && !SOURCE_FILE_TYPES.has(type)) return { kind: 'unreadable', why: `${type}: tables are not read by the import` };
  const path = isAbsolute(name) ? name : join(context.directory, name);
  let text: string;
  try {
    text = await context.readFile(path);
  } catch (error) {
    throw new PostfixSyntaxError(context.position, `cannot read the table ${reference}: ${(error as Error).message}`);
  }
  return { kind: 'entries', entries: keyValueEntries(text, context.displayName(path)) };
}
