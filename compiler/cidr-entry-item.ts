// The runtime config's item of an address entry (`10.0.0.0/8` in a list or a server),
// made from the entry's syntax node when read.
//
// A generated 50 MB policy has 2.6 million address entries. As plain data each item held
// its `cidr` and `source` strings (about 72 bytes) besides the object (56): the largest part
// of the resolved config, which lives as long as the syntax tree it was made from. This item
// holds the node and its file's config path, and spells `cidr` and `source` when they are
// read, from the node's text and position, which never change. Readers see the CidrItem
// contract as before: `kind`, `cidr`, `source` and (from a list) `list` read as they did,
// and JSON (`compile`'s config, a worker's copy over IPC) is written by `toJSON` with the
// same keys in the same order. What it is not is plain data: `deepStrictEqual` against an
// object literal sees another prototype (compare `toJSON()` or JSON), a spread copies only
// `list`, and a structured clone would lose it (the config crosses to workers as JSON).
// An item keeps its node, and through it the file's text, alive: in the editor, the items
// of a list an edit did not touch are taken over from the last check (CheckReuse), so they
// may hold the text of an earlier version of the document, as nodes an edit left in place do.

import type { CidrEntryNode } from '../grammar/cidr-entry-node.js';
import type { CidrItem } from '../runtime/config/types.js';

export class CidrEntryItem implements CidrItem {
  readonly #node: CidrEntryNode;
  readonly #path: string;
  /** An own property only when the entry is written in a named list, as in the plain item. */
  declare readonly list?: string;

  /** `node` must hold a valid address entry (its value is not null): the resolver checked it. */
  constructor(node: CidrEntryNode, configPath: string, list: string | undefined) {
    this.#node = node;
    this.#path = configPath;
    if (list !== undefined) this.list = list;
  }

  get kind(): 'cidr' {
    return 'cidr';
  }

  /** `network/prefix`, normalised, parsed from the entry's text on each read. */
  get cidr(): string {
    const value = this.#node.value!;
    // join, not a template: one flat string (see ResolveContext.source)
    return [value.network, value.prefix].join('/');
  }

  /** `path:line:column` of the entry, as ResolveContext.source spells it. */
  get source(): string {
    const { line, column } = this.#node.range.start;
    return [this.#path, line, column].join(':');
  }

  toJSON(): CidrItem {
    const { kind, cidr, source, list } = this;
    return list === undefined ? { kind, cidr, source } : { kind, cidr, source, list };
  }
}
