import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DocumentHighlight, DocumentLink, FoldingRange, SelectionRange, SymbolInformation } from 'vscode-languageserver/node';
import { cursor, startSession, type LspSession } from './helpers/lsp-session.js';

// The capabilities a first-class language server offers beyond the basics, over a real LSP
// connection (JSON-RPC over streams, the server as it is started).

const POLICY = `include "lists.smtppolicy"
# The public MX.
# It accepts mail for example.test only.
server mx {
  listen 0.0.0.0:25
  hostname mx.example.test
  local-domains example.test
  tls {
    certificate "certs/mx.pem"
    key "certs/mx.key"
    optional
  }
  connections only {
    @partners
    10.0.0.0/8
    10.1.2.3
  }
  # smtppolicy-ignore shadowed-entry, no-such-rule -- kept for the audit trail
  relay { @partners  10.9.0.0/16  10.9.0.0/16 }
}
`;

let dir: string;
let session: LspSession;
let uri: string;
let capabilities: Record<string, unknown>;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'smtppolicy-lsp-capabilities-'));
  writeFileSync(join(dir, 'lists.smtppolicy'), 'list partners { 203.0.113.0/24 }\nlist unused { 192.0.2.0/24 }\n');
  uri = pathToFileURL(join(dir, 'mx.smtppolicy')).href;
  session = startSession();
  capabilities = ((await session.initialize()) as { capabilities: Record<string, unknown> }).capabilities;
  await session.open(uri, POLICY);
  await session.diagnostics(uri, (p) => p.version === 1);
});

after(async () => {
  await session.dispose();
  rmSync(dir, { recursive: true, force: true });
});

function positionOf(needle: string, delta = 0) {
  const offset = POLICY.indexOf(needle) + delta;
  assert.ok(offset >= delta, needle);
  return cursor(`${POLICY.slice(0, offset)}|${POLICY.slice(offset)}`).position;
}

test('the server announces what it offers', () => {
  for (const name of ['foldingRangeProvider', 'selectionRangeProvider', 'documentLinkProvider', 'documentHighlightProvider', 'workspaceSymbolProvider', 'diagnosticProvider']) {
    assert.ok(capabilities[name], `${name} missing from ${JSON.stringify(capabilities)}`);
  }
});

test('folding ranges: every block that spans lines, and runs of comment lines', { timeout: 60_000 }, async () => {
  const ranges = await session.request<FoldingRange[]>('textDocument/foldingRange', { textDocument: { uri } });
  assert.deepEqual(
    ranges.map((r) => [r.startLine, r.endLine, r.kind ?? 'region']),
    [
      [1, 2, 'comment'],
      [3, 18, 'region'], // server mx { … } up to the line before its `}`
      [7, 10, 'region'], // tls
      [12, 15, 'region'], // connections
    ],
  );
});

test('selection ranges grow from an address to its block, its server and the file', { timeout: 60_000 }, async () => {
  const [selection] = await session.request<SelectionRange[]>('textDocument/selectionRange', { textDocument: { uri }, positions: [positionOf('10.1.2.3', 3)] });
  const texts: string[] = [];
  const lines = POLICY.split('\n');
  for (let s: SelectionRange | undefined = selection; s; s = s.parent) {
    const { start, end } = s.range;
    texts.push(start.line === end.line ? lines[start.line]!.slice(start.character, end.character) : `lines ${start.line}-${end.line}`);
  }
  assert.equal(texts[0], '10.1.2.3');
  assert.ok(texts.includes('lines 12-16'), `no step for the connections block: ${texts.join(' | ')}`);
  assert.ok(texts.includes('lines 3-19'), `no step for the server: ${texts.join(' | ')}`);
  assert.equal(texts.at(-1), 'lines 0-20');
});

test('document links: the files a policy names, and the pages of the rules a suppression names', { timeout: 60_000 }, async () => {
  const links = await session.request<DocumentLink[]>('textDocument/documentLink', { textDocument: { uri } });
  const lines = POLICY.split('\n');
  const linked = links.map((l) => [lines[l.range.start.line]!.slice(l.range.start.character, l.range.end.character), l.target]);
  assert.deepEqual(linked, [
    ['"lists.smtppolicy"', pathToFileURL(join(dir, 'lists.smtppolicy')).href],
    ['"certs/mx.pem"', pathToFileURL(join(dir, 'certs', 'mx.pem')).href],
    ['"certs/mx.key"', pathToFileURL(join(dir, 'certs', 'mx.key')).href],
    ['shadowed-entry', linked.find(([text]) => text === 'shadowed-entry')?.[1]],
  ]);
  assert.match(String(linked[3]![1]), /docs\/rules\/shadowed-entry\.md$/);
});

test('document highlight marks every use of the list under the cursor, its declaration elsewhere', { timeout: 60_000 }, async () => {
  const highlights = await session.request<DocumentHighlight[]>('textDocument/documentHighlight', { textDocument: { uri }, position: positionOf('@partners', 2) });
  assert.deepEqual(
    highlights.map((h) => [h.range.start.line, h.kind]),
    [
      [13, 2],
      [18, 2],
    ],
  );
});

test('workspace symbols find servers, lists and user stores of open policies and their includes', { timeout: 60_000 }, async () => {
  const symbols = await session.request<SymbolInformation[]>('workspace/symbol', { query: 'PART' });
  assert.deepEqual(
    symbols.map((s) => [s.name, s.location.uri.endsWith('lists.smtppolicy'), s.containerName]),
    [['partners', true, 'list · lists.smtppolicy']],
  );
  const all = await session.request<SymbolInformation[]>('workspace/symbol', { query: '' });
  assert.deepEqual(all.map((s) => s.name), ['mx', 'partners', 'unused']);
});

test('pull diagnostics give what is published; a duplicate links to the first copy, a shadowed entry to the one covering it', { timeout: 60_000 }, async () => {
  const report = await session.request<{ kind: string; items: import('vscode-languageserver/node').Diagnostic[] }>('textDocument/diagnostic', { textDocument: { uri } });
  assert.equal(report.kind, 'full');
  const published = await session.diagnostics(uri, (p) => p.version === 1);
  assert.deepEqual(report.items, published);

  const duplicate = report.items.find((d) => d.code === 'duplicate-entry');
  assert.ok(duplicate, JSON.stringify(report.items));
  assert.deepEqual(duplicate.relatedInformation?.map((r) => [r.location.uri, r.location.range.start, r.message]), [[uri, { line: 18, character: 21 }, '10.9.0.0/16 is listed here first']]);
  const shadowed = report.items.find((d) => d.code === 'shadowed-entry');
  assert.deepEqual(shadowed?.relatedInformation?.map((r) => [r.location.range.start, r.message]), [[{ line: 14, character: 4 }, '10.0.0.0/8 covers it']]);
});

test('an unused suppression is tagged unnecessary, so editors fade it', { timeout: 60_000 }, async () => {
  const text = 'server s {\n  listen 10.0.0.1:2525\n  hostname mail.example.test\n  # smtppolicy-ignore duplicate-entry -- generated upstream\n  connections only { 10.0.0.1 }\n}\n';
  const other = pathToFileURL(join(dir, 'unused.smtppolicy')).href;
  await session.open(other, text);
  const unused = (await session.diagnostics(other, (p) => p.version === 1)).find((d) => d.code === 'unused-suppression');
  assert.deepEqual(unused?.tags, [1]); // DiagnosticTag.Unnecessary
  await session.close(other);
});

test('inlay hints say how many addresses may relay without login, and how many an allow-list admits', { timeout: 60_000 }, async () => {
  const text = 'server lan {\n  listen 10.0.0.1:25\n  hostname mx.example.test\n  relay { 10.0.0.0/8 }\n}\nserver open {\n  listen 10.0.0.2:25\n  hostname mx2.example.test\n  connections only { 10.0.0.0/8  5.10.16.0/24 }\n  relay { anyone }\n}\n';
  const other = pathToFileURL(join(dir, 'hints.smtppolicy')).href;
  await session.open(other, text);
  const hints = await session.request<{ position: { line: number; character: number }; label: string }[]>('textDocument/inlayHint', {
    textDocument: { uri: other },
    range: { start: { line: 0, character: 0 }, end: { line: 11, character: 0 } },
  });
  assert.deepEqual(
    hints.map((h) => [h.position, h.label]),
    [
      [{ line: 3, character: 22 }, 'relay without login: 16,777,216 addresses, 0 public'],
      [{ line: 9, character: 18 }, 'relay without login: 16,777,472 addresses, 256 public'],
      [{ line: 8, character: 47 }, 'admits 16,777,472 addresses, 256 public'],
    ],
  );
  await session.close(other);
});
