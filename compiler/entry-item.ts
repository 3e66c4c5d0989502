// A runtime config item made from an entry's syntax node (an address or a domain in a list or
// a server), which spells its strings when they are read.
//
// A generated 50 MB policy has 2.9 million entries. As plain data each item held its value
// and `source` strings besides the object: the largest part of the resolved config, which
// lives as long as the syntax tree it was made from. An item holds the node and its file's
// config path instead, and spells its value and `source` on each read, from the node's text
// and position, which never change. Readers see the plain item's contract (`kind`, the
// value, `source` and, from a list, `list`), and JSON (`compile`'s config, a worker's copy
// over IPC) is written by `toJSON` with the same keys in the same order. What it is not is
// plain data: `deepStrictEqual` against an object literal sees another prototype (compare
// `toJSON()` or JSON), a spread copies only `list`, and a structured clone loses it (the
// config crosses to workers as JSON, and the commands that run a policy take a plain copy,
// cli/load-config.ts). An item keeps its node, and through it the file's text, alive: in
// the editor, the items of a list an edit did not touch are taken over from the last check
// (CheckReuse), so they may hold the text of an earlier version of the document, as nodes
// an edit left in place do.

import type { AnyNode } from '../grammar/ast.js';

export abstract class EntryItem<Node extends AnyNode> {
  readonly #node: Node;
  readonly #path: string;
  /** An own property only when the entry is written in a named list, as in the plain item. */
  declare readonly list?: string;

  /** `node` must hold a valid entry: the resolver checked it. */
  constructor(node: Node, configPath: string, list: string | undefined) {
    this.#node = node;
    this.#path = configPath;
    if (list !== undefined) this.list = list;
  }

  protected get node(): Node {
    return this.#node;
  }

  /** `path:line:column` of the entry, as ResolveContext.source spells it. */
  get source(): string {
    const { line, column } = this.#node.range.start;
    // join, not a template: one flat string (see ResolveContext.source)
    return [this.#path, line, column].join(':');
  }
}
