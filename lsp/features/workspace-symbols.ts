// Workspace symbols: the servers, lists and user stores of every open policy and the files
// they include, found by a part of their name (case does not matter).

import { SymbolKind, type SymbolInformation } from 'vscode-languageserver';
import type { SourceFile } from '../../compiler/index.js';
import { pathToUri, toLspRange } from '../convert.js';
import { PolicyIndex } from '../policy-index.js';

export function workspaceSymbols(files: readonly SourceFile[], query: string): SymbolInformation[] {
  const index = new PolicyIndex(files);
  const wanted = query.toLowerCase();
  const symbols: SymbolInformation[] = [];
  const add = (name: string, kind: SymbolKind, label: string, declared: { file: SourceFile; node: { range: Parameters<typeof toLspRange>[0] } }) => {
    if (!name.toLowerCase().includes(wanted)) return;
    symbols.push({ name, kind, containerName: `${label} · ${declared.file.displayName}`, location: { uri: pathToUri(declared.file.path), range: toLspRange(declared.node.range) } });
  };
  for (const [name, declared] of index.servers) add(name, SymbolKind.Class, 'server', declared);
  for (const [name, declared] of index.lists) add(name, SymbolKind.Array, 'list', declared);
  for (const [name, declared] of index.userStores) add(name, SymbolKind.Key, 'users', declared);
  return symbols.sort((a, b) => a.name.localeCompare(b.name) || a.location.uri.localeCompare(b.location.uri));
}
