// Go to definition and find references for lists, user stores, servers and included files.

import { DocumentHighlightKind, type DocumentHighlight, type Location } from 'vscode-languageserver';
import { dirname, resolve } from 'node:path';
import type { PolicyContext } from '../document-store.js';
import { nodesAt } from '../../grammar/index.js';
import { pathToUri, toLspRange } from '../convert.js';
import { PolicyIndex } from '../policy-index.js';

const START_OF_FILE = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

export function definition(context: PolicyContext, offset: number): Location[] {
  const index = new PolicyIndex(context.related);
  const name = index.nameAt(context.current, offset);
  if (name) {
    const declared = name.kind === 'list' ? index.lists.get(name.name) : name.kind === 'user-store' ? index.userStores.get(name.name) : index.servers.get(name.name);
    if (!declared?.node.name) return [];
    return [{ uri: pathToUri(declared.file.path), range: toLspRange(declared.node.name.range) }];
  }
  const target = includeTargetAt(context, offset);
  return target ? [{ uri: pathToUri(target), range: START_OF_FILE }] : [];
}

export function references(context: PolicyContext, offset: number, includeDeclaration: boolean): Location[] {
  const index = new PolicyIndex(context.related);
  const name = index.nameAt(context.current, offset);
  if (name) {
    return index
      .occurrencesOf(name.kind, name.name)
      .filter((o) => includeDeclaration || !o.declaration)
      .map((o) => ({ uri: pathToUri(o.file.path), range: toLspRange(o.range) }));
  }
  const target = includeTargetAt(context, offset);
  if (!target) return [];
  return index.includes
    .filter((site) => site.target === target && site.node.path)
    .map((site) => ({ uri: pathToUri(site.file.path), range: toLspRange(site.node.path!.range) }));
}

/** Every occurrence in this file of the list, user store or server named under the cursor; the declaration as a write. */
export function documentHighlights(context: PolicyContext, offset: number): DocumentHighlight[] {
  const index = new PolicyIndex(context.related);
  const name = index.nameAt(context.current, offset);
  if (!name) return [];
  return index
    .occurrencesOf(name.kind, name.name)
    .filter((o) => o.file.path === context.current.path)
    .map((o) => ({ range: toLspRange(o.range), kind: o.declaration ? DocumentHighlightKind.Write : DocumentHighlightKind.Read }));
}

/** The file an `include "…"` under the cursor points at. */
function includeTargetAt(context: PolicyContext, offset: number): string | undefined {
  const chain = nodesAt(context.current.ast, offset);
  const include = chain.find((n) => n.kind === 'Include');
  const path = include?.path as { value: string; range: { start: { offset: number }; end: { offset: number } } } | undefined;
  if (!path || offset < path.range.start.offset || offset > path.range.end.offset) return undefined;
  return resolve(dirname(context.current.path), path.value);
}
