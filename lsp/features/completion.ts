// Completion that knows where the cursor is: the keywords valid there, list names after `@`,
// user store names after `users`, rule ids in suppression comments, and file paths inside
// the strings of include, certificate, key, file, spool and maildir.

import { dirname, resolve } from 'node:path';
import { CompletionItemKind, type CompletionItem, type Range as LspRange } from 'vscode-languageserver';
import { describeKeyword, LineIndex, type SourceToken, tokenize } from '../../grammar/index.js';
import type { PolicyContext } from '../document-store.js';
import type { RuleCatalog } from '../rule-catalog.js';
import { toLspRange } from '../convert.js';
import { PolicyIndex } from '../policy-index.js';
import { cursorContext, type CursorToken, type Want } from './cursor-context.js';

export interface DirectoryEntry {
  name: string;
  isDirectory: boolean;
}

export interface CompletionEnvironment {
  rules: RuleCatalog;
  /** Lists a directory; rejects when it does not exist (then no paths are offered). */
  listDirectory(path: string): Promise<DirectoryEntry[]>;
}

export function cursorTokens(text: string): CursorToken[] {
  const { tokens, comments } = tokenize(text);
  const classOf: Record<SourceToken['kind'], CursorToken['type']> = {
    keyword: 'keyword',
    word: 'word',
    string: 'string',
    ref: 'ref',
    lbrace: 'lcurly',
    rbrace: 'rcurly',
    comma: 'comma',
  };
  const all: CursorToken[] = [
    ...tokens.map((t) => ({ type: classOf[t.kind], text: t.text, start: t.range.start.offset, end: t.range.end.offset })),
    ...comments.map((c) => ({ type: 'comment' as const, text: c.text, start: c.range.start.offset, end: c.range.end.offset })),
  ];
  return all.sort((a, b) => a.start - b.start);
}

export async function completion(context: PolicyContext, offset: number, env: CompletionEnvironment): Promise<CompletionItem[]> {
  const text = context.current.text;
  const lines = new LineIndex(text);
  const lspRange = (start: number, end: number): LspRange => toLspRange(lines.range(start, end));
  const cursor = cursorContext(cursorTokens(text), offset);
  const typing = cursor.typing;
  const replace = typing ? lspRange(typing.start, offset) : lspRange(offset, offset);
  const index = new PolicyIndex(context.related);
  const items: CompletionItem[] = [];
  const seen = new Set<string>();
  const add = (item: CompletionItem) => {
    if (seen.has(item.label)) return;
    seen.add(item.label);
    items.push(item);
  };

  for (const want of cursor.wants) {
    switch (want.kind) {
      case 'keywords':
        // A list reference being typed wants names, not keywords.
        if (typing?.type === 'ref') break;
        for (const keyword of want.keywords) {
          const documentation = describeKeyword(keyword, want.context);
          add({
            label: keyword,
            kind: CompletionItemKind.Keyword,
            ...(documentation ? { documentation } : {}),
            textEdit: { range: replace, newText: keyword },
          });
        }
        break;
      case 'list-names': {
        // With the `@` already typed, the edit replaces only the name after it. Clients that
        // ignore the edit's range (Neovim 0.7's omnifunc) insert newText at the start of the
        // word under the cursor, which for them begins after the `@` (not a keyword
        // character): a newText with its own `@` would give `@@name` there.
        const afterAt = typing?.type === 'ref' ? lspRange(typing.start + 1, offset) : undefined;
        for (const [name, declared] of index.lists) {
          const count = index.expandList(name).length;
          const newText = afterAt ? name : `@${name}`;
          add({
            label: `@${name}`,
            kind: CompletionItemKind.Reference,
            detail: `list · ${count} ${count === 1 ? 'entry' : 'entries'} · ${declared.file.displayName}:${declared.node.range.start.line}`,
            filterText: newText,
            textEdit: { range: afterAt ?? replace, newText },
          });
        }
        break;
      }
      case 'user-store-names':
        for (const [name, declared] of index.userStores) {
          add({
            label: name,
            kind: CompletionItemKind.Variable,
            detail: `user store${declared.node.file ? ` · ${declared.node.file.value}` : ''}`,
            textEdit: { range: replace, newText: name },
          });
        }
        break;
      case 'rule-ids':
        for (const rule of env.rules.all()) {
          add({
            label: rule.id,
            kind: CompletionItemKind.EnumMember,
            detail: rule.description,
            textEdit: { range: lspRange(want.prefixStart, offset), newText: rule.id },
          });
        }
        break;
      case 'values':
        for (const value of want.values) add({ label: value, kind: CompletionItemKind.Value, textEdit: { range: replace, newText: value } });
        break;
      case 'path':
        for (const item of await pathItems(context, want, offset, lspRange, env)) add(item);
        break;
      case 'nothing':
        break;
    }
  }
  return items;
}

async function pathItems(
  context: PolicyContext,
  want: Extract<Want, { kind: 'path' }>,
  offset: number,
  lspRange: (start: number, end: number) => LspRange,
  env: CompletionEnvironment,
): Promise<CompletionItem[]> {
  const contentStart = want.string.start + 1;
  const typed = context.current.text.slice(contentStart, offset);
  const slash = typed.lastIndexOf('/');
  const folderPart = slash >= 0 ? typed.slice(0, slash + 1) : '';
  const segment = typed.slice(folderPart.length);
  // Every path in a policy is relative to the file it is written in.
  const folder = resolve(dirname(context.current.path), folderPart || '.');
  let entries: DirectoryEntry[];
  try {
    entries = await env.listDirectory(folder);
  } catch {
    return [];
  }
  const range = lspRange(contentStart + folderPart.length, offset);
  const wantsPolicy = want.keyword === 'include';
  const wantsDirectory = want.keyword === 'spool' || want.keyword === 'maildir';
  return entries
    .filter((e) => !e.name.startsWith('.') || segment.startsWith('.'))
    .filter((e) => e.isDirectory || (!wantsDirectory && (!wantsPolicy || e.name.endsWith('.smtppolicy'))))
    // A file that includes itself is an include cycle: never offer it.
    .filter((e) => !(wantsPolicy && resolve(folder, e.name) === resolve(context.current.path)))
    .sort((a, b) => Number(b.isDirectory) - Number(a.isDirectory) || a.name.localeCompare(b.name))
    .map((e) => ({
      label: e.isDirectory ? `${e.name}/` : e.name,
      kind: e.isDirectory ? CompletionItemKind.Folder : CompletionItemKind.File,
      textEdit: { range, newText: e.isDirectory ? `${e.name}/` : e.name },
      // Typing on into a folder asks for its contents.
      ...(e.isDirectory ? { command: { title: 'Suggest', command: 'editor.action.triggerSuggest' } } : {}),
    }));
}
