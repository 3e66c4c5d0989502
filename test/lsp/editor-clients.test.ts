import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CompletionItem, Hover, MarkupContent } from 'vscode-languageserver/node';
import { cursor, startSession, type LspSession } from './helpers/lsp-session.js';
import { applyEdits } from './helpers/text-edits.js';

// What users of clients nobody here wrote ran into: completion as Neovim 0.7 applies it,
// hover on the parts of a policy that had none, include paths, files that are not UTF-8.

let dir: string;
let session: LspSession;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'smtppolicy-lsp-clients-'));
  session = startSession();
  await session.initialize();
});

after(async () => {
  await session.dispose();
  rmSync(dir, { recursive: true, force: true });
});

async function completionAt(marked: string, name: string): Promise<{ text: string; offset: number; items: CompletionItem[] }> {
  const { text, position, offset } = cursor(marked);
  const uri = pathToFileURL(join(dir, name)).href;
  await session.open(uri, text);
  try {
    return { text, offset, items: await session.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri }, position }) };
  } finally {
    await session.close(uri);
  }
}

/** An LSP client: applies the item's text edit. */
function asLspClient(text: string, item: CompletionItem): string {
  assert.ok(item.textEdit && 'range' in item.textEdit);
  return applyEdits(text, [item.textEdit]);
}

/**
 * Neovim 0.7's omnifunc: it ignores the edit's range, takes the edit's newText (else
 * insertText, else the label) and puts it in place of the keyword characters before the
 * cursor (`\k*$`, default 'iskeyword': letters, digits, `_`, 192-255), after keeping only
 * items whose filterText (else label) starts with those characters.
 */
function asNeovim07(text: string, offset: number, items: CompletionItem[], label: string): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const prefix = /[A-Za-z0-9_\u00C0-\u00FF]*$/.exec(text.slice(lineStart, offset))![0];
  const item = items.filter((i) => (i.filterText ?? i.label).startsWith(prefix)).find((i) => i.label === label);
  assert.ok(item, `Neovim 0.7 filters out ${label} after '${prefix}'`);
  const word = item.textEdit?.newText ?? item.insertText ?? item.label;
  return text.slice(0, offset - prefix.length) + word + text.slice(offset);
}

const LISTS = 'list partners { 10.0.0.0/8 }\nlist lab { 10.1.0.0/16 }\n';

for (const [typed, name] of [
  ['@', 'after a bare @'],
  ['@pa', 'after @ and part of the name'],
] as const) {
  test(`list completion ${name} gives @partners in LSP clients and in Neovim 0.7`, { timeout: 60_000 }, async () => {
    const { text, offset, items } = await completionAt(`${LISTS}server a {\n  connections only { ${typed}| }\n}\n`, 'at.smtppolicy');
    const item = items.find((i) => i.label === '@partners');
    assert.ok(item, JSON.stringify(items));
    const expected = `${LISTS}server a {\n  connections only { @partners }\n}\n`;
    assert.equal(asLspClient(text, item), expected);
    assert.equal(asNeovim07(text, offset, items, '@partners'), expected);
  });
}

test('list completion with nothing typed inserts the @ too', { timeout: 60_000 }, async () => {
  const { text, offset, items } = await completionAt(`${LISTS}server a {\n  connections only { | }\n}\n`, 'bare.smtppolicy');
  const expected = `${LISTS}server a {\n  connections only { @lab }\n}\n`;
  assert.equal(asLspClient(text, items.find((i) => i.label === '@lab')!), expected);
  assert.equal(asNeovim07(text, offset, items, '@lab'), expected);
});

test('include completion does not offer the file itself', { timeout: 60_000 }, async () => {
  writeFileSync(join(dir, 'shared.smtppolicy'), '');
  writeFileSync(join(dir, 'self.smtppolicy'), 'include ""\n'); // the file being edited, saved once
  const { items } = await completionAt('include "|"\n', 'self.smtppolicy');
  const labels = items.map((i) => i.label);
  assert.ok(labels.includes('shared.smtppolicy'), labels.join());
  assert.ok(!labels.includes('self.smtppolicy'), `offers the file itself: ${labels.join()}`);
});

async function hoverText(text: string, needle: string, delta: number): Promise<string> {
  const uri = pathToFileURL(join(dir, 'hover.smtppolicy')).href;
  const offset = text.indexOf(needle) + delta;
  const { position } = cursor(`${text.slice(0, offset)}|${text.slice(offset)}`);
  await session.open(uri, text);
  try {
    const hover = await session.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position });
    assert.ok(hover, `no hover at ${needle}+${delta}`);
    return (hover.contents as MarkupContent).value;
  } finally {
    await session.close(uri);
  }
}

test('hover on the name of a domain entry explains the entry', { timeout: 60_000 }, async () => {
  const text = 'list trusted { domain trusted.example.test }\n';
  assert.match(await hoverText(text, 'trusted.example.test', 4), /^\*\*domain trusted\.example\.test\*\*: clients whose reverse DNS name/);
});

test('hover on a listen address says which interfaces, which family and what the port is for', { timeout: 60_000 }, async () => {
  const text = 'server mx {\n  listen 0.0.0.0:25, [::]:25, 127.0.0.1:2587, 192.0.2.10:465 implicit-tls\n  hostname mx.example.test\n}\n';
  const any4 = await hoverText(text, '0.0.0.0:25', 2);
  assert.match(any4, /every IPv4 interface of this host \(IPv4 only: add `\[::\]:25` for IPv6 clients\)/);
  assert.match(any4, /port 25: SMTP between mail servers/);
  assert.match(await hoverText(text, '[::]:25', 2), /every IPv6 interface of this host \(IPv6 only/);
  assert.match(await hoverText(text, '127.0.0.1:2587', 2), /loopback only \(IPv4\): only programs on this host can connect[\s\S]*not a standard SMTP port/);
  const explicit = await hoverText(text, '192.0.2.10:465', 2);
  assert.match(explicit, /the interface with address `192\.0\.2\.10` \(IPv4, reserved for documentation or testing\)/);
  assert.match(explicit, /implicit-tls`: TLS from the first byte/);
});

test('an included file that is not UTF-8 is reported, as the CLI reports it', { timeout: 60_000 }, async () => {
  // Latin-1 "é" (0xE9) in a comment of an included file.
  writeFileSync(join(dir, 'latin1.smtppolicy'), Buffer.concat([Buffer.from('# caf'), Buffer.from([0xe9]), Buffer.from('\nlist lab { 10.1.0.0/16 }\n')]));
  const uri = pathToFileURL(join(dir, 'includes-latin1.smtppolicy')).href;
  const includedUri = pathToFileURL(join(dir, 'latin1.smtppolicy')).href;
  await session.open(uri, 'include "latin1.smtppolicy"\n');
  const included = await session.diagnostics(includedUri, (p) => p.diagnostics.length > 0);
  assert.deepEqual(
    included.map((d) => [d.code, d.range.start, d.message]),
    [['syntax', { line: 0, character: 5 }, 'invalid UTF-8: 0xE9 is not UTF-8 text; policy files must be saved as UTF-8']],
  );
  // Closing the file that includes it clears what was shown for the closed included file.
  await session.close(uri);
  assert.deepEqual(await session.diagnostics(includedUri, (p) => p.diagnostics.length === 0), []);
});
