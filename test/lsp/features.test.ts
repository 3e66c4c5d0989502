import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CompletionItem, DocumentSymbol, Hover, Location, MarkupContent, WorkspaceEdit } from 'vscode-languageserver/node';
import { cursor, startSession, type LspSession } from './helpers/lsp-session.js';
import { applyEdits } from './helpers/text-edits.js';

const COMMON = `# shared lists
list partners { 203.0.113.0/24  198.51.100.7  @lab }
list lab { 10.20.0.0/16 }
`;

const MAIN = `include "common.smtppolicy"
users staff file "users.passwd"

server submission {
  listen 127.0.0.1:2587
  hostname mail.example.test
  tls {
    certificate "certs/mail.pem"
    key "certs/mail.key"
    require
  }
  auth {
    basic users staff
  }
  connections only { 10.0.0.0/8  @partners }
  relay { authenticated }
}
`;

let dir: string;
let session: LspSession;
let mainUri: string;
let commonUri: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'smtppolicy-lsp-features-'));
  mkdirSync(join(dir, 'certs'));
  writeFileSync(join(dir, 'certs', 'mail.pem'), '');
  writeFileSync(join(dir, 'certs', 'mail.key'), '');
  writeFileSync(join(dir, 'common.smtppolicy'), COMMON);
  writeFileSync(join(dir, 'other.smtppolicy'), '');
  writeFileSync(join(dir, 'notes.txt'), '');
  mainUri = pathToFileURL(join(dir, 'main.smtppolicy')).href;
  commonUri = pathToFileURL(join(dir, 'common.smtppolicy')).href;
  session = startSession();
  await session.initialize();
  await session.open(mainUri, MAIN);
});

after(async () => {
  await session.dispose();
  rmSync(dir, { recursive: true, force: true });
});

/** The LSP position of the first `needle` in `text` (plus `delta` characters). */
function at(text: string, needle: string, delta = 0): { line: number; character: number } {
  const offset = text.indexOf(needle);
  assert.ok(offset >= 0, `'${needle}' not in text`);
  return cursor(`${text.slice(0, offset + delta)}|${text.slice(offset + delta)}`).position;
}

async function hoverText(uri: string, position: { line: number; character: number }): Promise<string> {
  const result = await session.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position });
  assert.ok(result, 'expected a hover');
  return (result.contents as MarkupContent).value;
}

test('hover documents keywords in their context', { timeout: 60_000 }, async () => {
  assert.match(await hoverText(mainUri, at(MAIN, 'require', 2)), /\*\*require\*\*: TLS is required/);
  assert.match(await hoverText(mainUri, at(MAIN, 'users staff\n  }', 1)), /credential store that checks this method/);
});

test('hover on a range says what it covers', { timeout: 60_000 }, async () => {
  const text = await hoverText(mainUri, at(MAIN, '10.0.0.0/8', 3));
  assert.match(text, /first: `10\.0\.0\.0`/);
  assert.match(text, /last: `10\.255\.255\.255`/);
  assert.match(text, /addresses: 16,777,216/);
  assert.match(text, /kind: private/);
});

test('hover on a list reference shows its resolved entries, nested lists expanded', { timeout: 60_000 }, async () => {
  const text = await hoverText(mainUri, at(MAIN, '@partners', 3));
  assert.match(text, /\*\*list partners\*\* \(common\.smtppolicy:2\): 3 entries/);
  assert.match(text, /`203\.0\.113\.0\/24`/);
  assert.match(text, /`198\.51\.100\.7`/);
  assert.match(text, /`10\.20\.0\.0\/16` \(from @lab\)/);
});

test("hover on a finding's range gives the rule's summary", { timeout: 60_000 }, async () => {
  const uri = pathToFileURL(join(dir, 'insecure.smtppolicy')).href;
  // listening on every interface: relay for anyone on loopback alone is local, not an open relay
  const text = 'server open {\n  listen 0.0.0.0:2526\n  hostname mx.example.test\n  relay { anyone }\n}\n';
  await session.open(uri, text);
  await session.diagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'open-relay'));
  const hover = await hoverText(uri, at(text, 'anyone', 1));
  assert.match(hover, /\*\*anyone\*\*: Every client may relay/);
  assert.match(hover, /\[`open-relay`\]\(https:\/\/.*open-relay\.md\): /);
  await session.close(uri);
});

async function complete(marked: string, name = 'completion.smtppolicy'): Promise<string[]> {
  const { text, position } = cursor(marked);
  const uri = pathToFileURL(join(dir, name)).href;
  await session.open(uri, text);
  try {
    const items = await session.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri }, position });
    return items.map((i) => i.label);
  } finally {
    await session.close(uri);
  }
}

test('completion offers the keywords valid at the cursor', { timeout: 60_000 }, async () => {
  const top = await complete('|\nserver a {\n}\n');
  assert.ok(top.includes('server') && top.includes('list') && top.includes('include') && top.includes('users'), top.join());
  assert.ok(!top.includes('hostname'));

  const server = await complete('server a {\n  listen 127.0.0.1:25\n  |\n}\n');
  assert.ok(server.includes('hostname') && server.includes('tls') && server.includes('relay-to'), server.join());
  assert.ok(server.includes('implicit-tls'), 'implicit-tls may follow a listen endpoint');
  assert.ok(!server.includes('server') && !server.includes('certificate'));

  const tls = await complete('server a {\n  tls {\n    ce|\n  }\n}\n');
  assert.deepEqual(tls.filter((k) => ['certificate', 'key', 'require', 'optional', 'min-version', 'min-cipher-bits', 'sni'].includes(k)).length, 7, tls.join());
  assert.ok(!tls.includes('hostname'));

  const limits = await complete('server a {\n  limits {\n    message-size 25MB\n    |\n  }\n}\n');
  assert.ok(limits.includes('recipients') && limits.includes('connections-per-address'), limits.join());

  assert.deepEqual(await complete('server a {\n  connections |\n}\n'), ['only', 'except']);
  assert.deepEqual(await complete('server a {\n  relay-to |\n}\n'), ['smarthost', 'hold', 'direct']);
  assert.deepEqual(await complete('server a {\n  hostname |\n}\n'), []);
});

test('completion offers list names after @ and user stores after users', { timeout: 60_000 }, async () => {
  const lists = await complete('list partners { 10.0.0.0/8 }\nlist lab { 10.1.0.0/16 }\nserver a {\n  connections only { @| }\n}\n');
  assert.deepEqual(lists.sort(), ['@lab', '@partners']);
  const stores = await complete('users staff file "s.passwd"\nusers robots file "r.passwd"\nserver a {\n  auth {\n    basic users |\n  }\n}\n');
  assert.deepEqual(stores.sort(), ['robots', 'staff']);
});

test('completion offers rule ids inside suppression comments', { timeout: 60_000 }, async () => {
  const ids = await complete('server a {\n  # smtppolicy-ignore open|\n  relay { anyone }\n}\n');
  assert.ok(ids.includes('open-relay') && ids.includes('basic-auth-without-tls'), ids.join());
  assert.deepEqual(await complete('server a {\n  # just a comment |\n}\n'), []);
});

test('completion offers file paths in certificate and include strings', { timeout: 60_000 }, async () => {
  assert.deepEqual(await complete('server a {\n  tls {\n    certificate "certs/|"\n  }\n}\n'), ['mail.key', 'mail.pem']);
  const top = await complete('server a {\n  tls {\n    key "|"\n  }\n}\n');
  assert.ok(top.includes('certs/') && top.includes('notes.txt'), top.join());
  const includes = await complete('include "|"\n');
  assert.ok(includes.includes('common.smtppolicy') && includes.includes('certs/'), includes.join());
  assert.ok(!includes.includes('notes.txt'), 'include offers only policy files');
});

test('go to definition: list references, user stores and included files', { timeout: 60_000 }, async () => {
  const list = await session.request<Location[]>('textDocument/definition', { textDocument: { uri: mainUri }, position: at(MAIN, '@partners', 2) });
  assert.deepEqual(list, [{ uri: commonUri, range: { start: { line: 1, character: 5 }, end: { line: 1, character: 13 } } }]);
  const store = await session.request<Location[]>('textDocument/definition', { textDocument: { uri: mainUri }, position: at(MAIN, 'users staff\n  }', 7) });
  assert.deepEqual(store, [{ uri: mainUri, range: { start: { line: 1, character: 6 }, end: { line: 1, character: 11 } } }]);
  const include = await session.request<Location[]>('textDocument/definition', { textDocument: { uri: mainUri }, position: at(MAIN, 'common.smtppolicy') });
  assert.equal(include[0]?.uri, commonUri);
});

test('find references of a list across the including and the included file', { timeout: 60_000 }, async () => {
  const refs = await session.request<Location[]>('textDocument/references', {
    textDocument: { uri: mainUri },
    position: at(MAIN, '@partners', 4),
    context: { includeDeclaration: true },
  });
  const where = refs.map((r) => `${r.uri === mainUri ? 'main' : 'common'}:${r.range.start.line}:${r.range.start.character}`).sort();
  assert.deepEqual(where, ['common:1:5', 'main:14:34']);
  const usesOnly = await session.request<Location[]>('textDocument/references', {
    textDocument: { uri: mainUri },
    position: at(MAIN, '@partners', 4),
    context: { includeDeclaration: false },
  });
  assert.equal(usesOnly.length, 1);
});

test('rename a list: declaration and every reference, across files; invalid names are refused', { timeout: 60_000 }, async () => {
  const prepared = await session.request<{ placeholder: string }>('textDocument/prepareRename', { textDocument: { uri: mainUri }, position: at(MAIN, '@partners', 1) });
  assert.equal(prepared.placeholder, 'partners');
  const edit = await session.request<WorkspaceEdit>('textDocument/rename', { textDocument: { uri: mainUri }, position: at(MAIN, '@partners', 1), newName: 'friends' });
  assert.ok(edit.changes);
  assert.match(applyEdits(MAIN, edit.changes[mainUri] ?? []), /connections only \{ 10\.0\.0\.0\/8  @friends \}/);
  assert.match(applyEdits(COMMON, edit.changes[commonUri] ?? []), /^list friends \{/m);

  await assert.rejects(
    session.request('textDocument/rename', { textDocument: { uri: mainUri }, position: at(MAIN, '@partners', 1), newName: '9lives' }),
    /not a valid list name/,
  );
  await assert.rejects(
    session.request('textDocument/rename', { textDocument: { uri: mainUri }, position: at(MAIN, '@partners', 1), newName: 'lab' }),
    /a list named 'lab' already exists/,
  );
});

test('rename a server', { timeout: 60_000 }, async () => {
  const edit = await session.request<WorkspaceEdit>('textDocument/rename', { textDocument: { uri: mainUri }, position: at(MAIN, 'submission', 2), newName: 'msa' });
  assert.match(applyEdits(MAIN, edit.changes?.[mainUri] ?? []), /^server msa \{/m);
});

test('document symbols: servers with their settings, lists with entries, user stores', { timeout: 60_000 }, async () => {
  const symbols = await session.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: mainUri } });
  assert.deepEqual(
    symbols.map((s) => s.name),
    ['common.smtppolicy', 'staff', 'submission'],
  );
  const server = symbols[2]!;
  assert.deepEqual(
    server.children?.map((c) => c.name),
    ['listen', 'hostname', 'tls', 'auth', 'connections', 'relay'],
  );
  assert.equal(server.children?.[0]?.detail, '127.0.0.1:2587');
  assert.deepEqual(server.selectionRange, { start: { line: 3, character: 7 }, end: { line: 3, character: 17 } });
});

test('formatting gives the canonical layout of smtppolicy fmt (with the editor at 2 spaces), and leaves broken files alone', { timeout: 60_000 }, async () => {
  const uri = pathToFileURL(join(dir, 'messy.smtppolicy')).href;
  const messy = 'server   a {\nlisten 127.0.0.1:25\n      hostname    mx.example.test\n}\n';
  await session.open(uri, messy);
  const edits = await session.request<import('vscode-languageserver/node').TextEdit[]>('textDocument/formatting', {
    textDocument: { uri },
    options: { tabSize: 2, insertSpaces: true },
  });
  const { formatPolicy } = await import('../../format/format.js');
  assert.equal(applyEdits(messy, edits), await formatPolicy(messy));
  assert.match(applyEdits(messy, edits), /^server a \{\n {2}listen 127\.0\.0\.1:25\n {2}hostname mx\.example\.test\n\}\n$/);
  await session.close(uri);

  const broken = pathToFileURL(join(dir, 'broken.smtppolicy')).href;
  await session.open(broken, 'server a {\n   listen\n');
  assert.deepEqual(await session.request('textDocument/formatting', { textDocument: { uri: broken }, options: { tabSize: 2, insertSpaces: true } }), []);
  await session.close(broken);
});

test('completion follows sub-keywords: smart host TLS modes, password sources, mask, user store file', { timeout: 60_000 }, async () => {
  assert.deepEqual(await complete('server a {\n  relay-to smarthost smtp.example.com:587 {\n    tls |\n  }\n}\n'), ['require', 'optional', 'none']);
  assert.deepEqual(await complete('server a {\n  relay-to smarthost smtp.example.com:587 {\n    password |\n  }\n}\n'), ['file', 'env']);
  assert.ok((await complete('list a { 192.168.1.0 | }\n')).includes('mask'));
  assert.deepEqual(await complete('list a { 192.168.1.0 mask | }\n'), []);
  assert.deepEqual(await complete('users staff |\n'), ['file', 'ldap']);
  assert.ok((await complete('users staff ldap "ldaps://dc.example.com" {\n  |\n}\n')).includes('bind-password'));
  assert.deepEqual(await complete('users staff ldap "ldaps://dc.example.com" {\n  bind-password |\n}\n'), ['file', 'env']);
});

test('a partly typed keyword is replaced whole, hyphens included', { timeout: 60_000 }, async () => {
  const { text, position } = cursor('server a {\n  limits {\n    connections-per|\n  }\n}\n');
  const uri = pathToFileURL(join(dir, 'typing.smtppolicy')).href;
  await session.open(uri, text);
  const items = await session.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri }, position });
  await session.close(uri);
  const item = items.find((i) => i.label === 'connections-per-address');
  assert.ok(item && item.textEdit && 'range' in item.textEdit);
  assert.deepEqual(item.textEdit.range, { start: { line: 2, character: 4 }, end: position });
});
