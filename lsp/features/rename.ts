// Renaming a list, user store or server: every occurrence in every related file (open
// buffers or files on disk), refused when the new name is not a valid name or is taken.

import type { Range as LspRange, TextEdit, WorkspaceEdit } from 'vscode-languageserver';
import { isKeyword } from '../../grammar/index.js';
import type { PolicyContext } from '../document-store.js';
import { pathToUri, toLspRange } from '../convert.js';
import { PolicyIndex, type SymbolKind } from '../policy-index.js';

const NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

const NOUN: Record<SymbolKind, string> = { list: 'list', 'user-store': 'user store', server: 'server' };

export class RenameError extends Error {}

export function prepareRename(context: PolicyContext, offset: number): { range: LspRange; placeholder: string } | null {
  const found = new PolicyIndex(context.related).nameAt(context.current, offset);
  return found ? { range: toLspRange(found.occurrence.range), placeholder: found.name } : null;
}

/** Throws RenameError (shown to the user) when the rename cannot be done. */
export function rename(context: PolicyContext, offset: number, newName: string): WorkspaceEdit | null {
  const index = new PolicyIndex(context.related);
  const found = index.nameAt(context.current, offset);
  if (!found) return null;
  const noun = NOUN[found.kind];
  const bare = found.kind === 'list' && newName.startsWith('@') ? newName.slice(1) : newName;
  if (!NAME.test(bare)) throw new RenameError(`'${newName}' is not a valid ${noun} name: use a letter, then letters, digits, '_' or '-'`);
  if (isKeyword(bare)) throw new RenameError(`'${bare}' is a keyword and cannot name a ${noun}`);
  if (bare !== found.name && index.occurrencesOf(found.kind, bare).some((o) => o.declaration)) {
    throw new RenameError(`a ${noun} named '${bare}' already exists`);
  }
  const changes: Record<string, TextEdit[]> = {};
  for (const occurrence of index.occurrencesOf(found.kind, found.name)) {
    const uri = pathToUri(occurrence.file.path);
    (changes[uri] ??= []).push({ range: toLspRange(occurrence.range), newText: bare });
  }
  return { changes };
}
