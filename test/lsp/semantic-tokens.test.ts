import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { SemanticTokens, SemanticTokensDelta, SemanticTokensLegend } from 'vscode-languageserver/node';
import { startSession, type LspSession } from './helpers/lsp-session.js';
import { applyTokenEdits, decodeTokens } from './helpers/semantic-tokens.js';

// Semantic tokens over a real LSP connection: what each word is, in the legend's standard
// types, so that default themes colour addresses, domains, keywords and list references.

const POLICY = `# partners may relay
list partners { 203.0.113.0/24  2001:db8::/32  domain partner.example.test }
users staff file "users.passwd"
server mx {
  listen 0.0.0.0:25, [::]:25
  hostname mx.example.test
  auth { basic users staff }
  relay { authenticated  @partners  192.168.1.0 mask 255.255.255.0 }
  limits { message-size 25MB  session-timeout 5m }
  relay-to smarthost "smtp.isp.example:587" { password env RELAY_PASSWORD }
}
`;

const uri = 'file:///semantic/mx.smtppolicy';
let session: LspSession;
let legend: SemanticTokensLegend;

before(async () => {
  session = startSession();
  const init = (await session.initialize()) as { capabilities: { semanticTokensProvider?: { legend: SemanticTokensLegend; range?: boolean; full?: { delta?: boolean } } } };
  const provider = init.capabilities.semanticTokensProvider;
  assert.ok(provider, 'semanticTokensProvider missing');
  assert.equal(provider.range, true);
  assert.equal(provider.full?.delta, true);
  legend = provider.legend;
  await session.open(uri, POLICY);
});

after(() => session.dispose());

test('the legend uses only standard token types and modifiers, which default themes colour', () => {
  const standardTypes = ['namespace', 'type', 'class', 'enum', 'interface', 'struct', 'typeParameter', 'parameter', 'variable', 'property', 'enumMember', 'event', 'function', 'method', 'macro', 'keyword', 'modifier', 'comment', 'string', 'number', 'regexp', 'operator', 'decorator'];
  const standardModifiers = ['declaration', 'definition', 'readonly', 'static', 'deprecated', 'abstract', 'async', 'modification', 'documentation', 'defaultLibrary'];
  for (const type of legend.tokenTypes) assert.ok(standardTypes.includes(type), type);
  for (const modifier of legend.tokenModifiers) assert.ok(standardModifiers.includes(modifier), modifier);
});

test('every word gets its kind: keywords, addresses, domains, names declared and referred to, strings, comments, numbers', { timeout: 60_000 }, async () => {
  const result = await session.request<SemanticTokens>('textDocument/semanticTokens/full', { textDocument: { uri } });
  const tokens = decodeTokens(POLICY, result.data, legend);
  const byLine = (line: number) => tokens.filter((t) => t.line === line).map((t) => `${t.text}:${t.type}${t.modifiers.map((m) => `.${m}`).join('')}`);
  assert.deepEqual(byLine(0), ['# partners may relay:comment']);
  assert.deepEqual(byLine(1), ['list:keyword', 'partners:variable.declaration', '203.0.113.0/24:number', '2001:db8::/32:number', 'domain:keyword', 'partner.example.test:string']);
  assert.deepEqual(byLine(2), ['users:keyword', 'staff:variable.declaration', 'file:keyword', '"users.passwd":string']);
  assert.deepEqual(byLine(3), ['server:keyword', 'mx:namespace.declaration']);
  assert.deepEqual(byLine(4), ['listen:keyword', '0.0.0.0:25:number', '[::]:25:number']);
  assert.deepEqual(byLine(5), ['hostname:keyword', 'mx.example.test:string']);
  // `users staff` inside auth refers to the store; it does not declare one.
  assert.deepEqual(byLine(6), ['auth:keyword', 'basic:keyword', 'users:keyword', 'staff:variable']);
  assert.deepEqual(byLine(7), ['relay:keyword', 'authenticated:keyword', '@partners:variable', '192.168.1.0:number', 'mask:keyword', '255.255.255.0:number']);
  assert.deepEqual(byLine(8), ['limits:keyword', 'message-size:keyword', '25MB:number', 'session-timeout:keyword', '5m:number']);
  assert.deepEqual(byLine(9), ['relay-to:keyword', 'smarthost:keyword', '"smtp.isp.example:587":string', 'password:keyword', 'env:keyword', 'RELAY_PASSWORD:variable.readonly']);
});

test('a range request gives the tokens of those lines only, encoded from the start of the file', { timeout: 60_000 }, async () => {
  const result = await session.request<SemanticTokens>('textDocument/semanticTokens/range', { textDocument: { uri }, range: { start: { line: 7, character: 0 }, end: { line: 7, character: 80 } } });
  const tokens = decodeTokens(POLICY, result.data, legend);
  assert.deepEqual(
    tokens.map((t) => [t.line, t.text]),
    [[7, 'relay'], [7, 'authenticated'], [7, '@partners'], [7, '192.168.1.0'], [7, 'mask'], [7, '255.255.255.0']],
  );
});

test('text the parser skips keeps its colours', { timeout: 60_000 }, async () => {
  // A closing brace typed too early ends the server: the parser skips the settings after it
  // as top-level garbage, the lexer still sees each word.
  const broken = POLICY.replace('  hostname mx.example.test\n', '  hostname mx.example.test\n  }\n');
  await session.replace(uri, POLICY, broken);
  const result = await session.request<SemanticTokens>('textDocument/semanticTokens/full', { textDocument: { uri } });
  const line = decodeTokens(broken, result.data, legend).filter((t) => t.line === 8);
  assert.deepEqual(
    line.map((t) => `${t.text}:${t.type}`),
    ['relay:keyword', 'authenticated:keyword', '@partners:variable', '192.168.1.0:number', 'mask:keyword', '255.255.255.0:number'],
  );
  await session.replace(uri, broken, POLICY);
});

test('a delta request returns the one small edit a keystroke makes, which gives the new tokens', { timeout: 60_000 }, async () => {
  const first = await session.request<SemanticTokens>('textDocument/semanticTokens/full', { textDocument: { uri } });
  const edited = POLICY.replace('203.0.113.0/24', '203.0.113.128/25');
  await session.replace(uri, POLICY, edited);
  const delta = await session.request<SemanticTokens | SemanticTokensDelta>('textDocument/semanticTokens/full/delta', { textDocument: { uri }, previousResultId: first.resultId });
  assert.ok('edits' in delta, `expected edits, got ${JSON.stringify(delta)}`);
  // The address got longer; the tokens after it on the line move, the later lines do not.
  assert.equal(delta.edits.length, 1);
  assert.ok((delta.edits[0]!.data?.length ?? 0) <= 10, JSON.stringify(delta.edits));
  const full = await session.request<SemanticTokens>('textDocument/semanticTokens/full', { textDocument: { uri } });
  assert.deepEqual(applyTokenEdits(first.data, delta.edits), full.data);
  assert.equal(decodeTokens(edited, full.data, legend).find((t) => t.line === 1 && t.type === 'number')?.text, '203.0.113.128/25');

  // A result id the server no longer knows gets every token, not an edit against nothing.
  const unknown = await session.request<SemanticTokens | SemanticTokensDelta>('textDocument/semanticTokens/full/delta', { textDocument: { uri }, previousResultId: 'gone' });
  assert.ok('data' in unknown && unknown.data.length === full.data.length);
  await session.replace(uri, edited, POLICY);
});
