// Names across the files of a policy: where lists and user stores are declared and used,
// and which files include which. Names are global across included files, so every
// cross-file feature (definition, references, rename, completion) reads this one index.

import { dirname, resolve } from 'node:path';
import { type AddressEntry, forEachNode, type IncludeDecl, type ListDecl, type Range, type ServerDecl, type UserStoreDecl } from '../grammar/index.js';
import type { SourceFile } from '../compiler/index.js';

export type SymbolKind = 'list' | 'user-store' | 'server';

export interface NameOccurrence {
  file: SourceFile;
  /** The range of the name alone (the `@` of a list reference excluded). */
  range: Range;
  declaration: boolean;
}

export interface Declared<T> {
  file: SourceFile;
  node: T;
}

export interface IncludeSite {
  file: SourceFile;
  node: IncludeDecl;
  /** The absolute path the include points at. */
  target: string;
}

export class PolicyIndex {
  readonly lists = new Map<string, Declared<ListDecl>>();
  readonly userStores = new Map<string, Declared<UserStoreDecl>>();
  readonly servers = new Map<string, Declared<ServerDecl>>();
  readonly includes: IncludeSite[] = [];
  private readonly occurrences: Record<SymbolKind, Map<string, NameOccurrence[]>> = {
    list: new Map(),
    'user-store': new Map(),
    server: new Map(),
  };

  constructor(readonly files: readonly SourceFile[]) {
    for (const file of files) this.indexFile(file);
  }

  occurrencesOf(kind: SymbolKind, name: string): NameOccurrence[] {
    return this.occurrences[kind].get(name) ?? [];
  }

  /** The name under the cursor in `file`, if it is a list, user store or server name. */
  nameAt(file: SourceFile, offset: number): { kind: SymbolKind; name: string; occurrence: NameOccurrence } | undefined {
    for (const kind of ['list', 'user-store', 'server'] as const) {
      for (const [name, list] of this.occurrences[kind]) {
        const occurrence = list.find((o) => o.file.path === file.path && o.range.start.offset <= offset && offset <= o.range.end.offset);
        if (occurrence) return { kind, name, occurrence };
      }
    }
    return undefined;
  }

  /** A list's entries with nested `@refs` expanded, each with the list it came from. */
  expandList(name: string, seen = new Set<string>()): { entry: AddressEntry; from: string }[] {
    const declared = this.lists.get(name);
    if (!declared || seen.has(name)) return [];
    seen.add(name);
    return declared.node.entries.flatMap((entry) => (entry.kind === 'ListRef' ? this.expandList(entry.name, seen) : [{ entry, from: name }]));
  }

  private add(kind: SymbolKind, name: string, occurrence: NameOccurrence): void {
    const map = this.occurrences[kind];
    const list = map.get(name) ?? [];
    list.push(occurrence);
    map.set(name, list);
  }

  private indexFile(file: SourceFile): void {
    for (const item of file.ast.items) {
      if (item.kind === 'Include' && item.path) {
        this.includes.push({ file, node: item, target: resolve(dirname(file.path), item.path.value) });
      }
      if ((item.kind === 'List' || item.kind === 'UserStore' || item.kind === 'Server') && item.name) {
        const kind: SymbolKind = item.kind === 'List' ? 'list' : item.kind === 'UserStore' ? 'user-store' : 'server';
        const table = (kind === 'list' ? this.lists : kind === 'user-store' ? this.userStores : this.servers) as Map<string, Declared<typeof item>>;
        // The first declaration wins, as in the compiler; later ones are duplicates it reports.
        if (!table.has(item.name.text)) table.set(item.name.text, { file, node: item });
        this.add(kind, item.name.text, { file, range: item.name.range, declaration: true });
      }
    }
    forEachNode(file.ast, (node) => {
      if (node.kind === 'ListRef') {
        const ref = node as unknown as { name: string; nameRange: Range };
        this.add('list', ref.name, { file, range: ref.nameRange, declaration: false });
      } else if (node.kind === 'AuthMethod') {
        const users = (node as unknown as { users?: { name?: { text: string; range: Range } } }).users;
        if (users?.name) this.add('user-store', users.name.text, { file, range: users.name.range, declaration: false });
      } else if (node.kind === 'MailboxUsers') {
        // `mailboxes users staff` in a recipients block: the same store, so rename and references find it
        const store = (node as unknown as { store?: { text: string; range: Range } }).store;
        if (store) this.add('user-store', store.text, { file, range: store.range, declaration: false });
      }
    });
  }
}
