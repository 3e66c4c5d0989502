import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CodeAction } from 'vscode-languageserver/node';
import { checkPolicy } from '../../compiler/check.js';
import { startSession } from './helpers/lsp-session.js';
import { applyEdits } from './helpers/text-edits.js';

const INSECURE = `users staff file "users.passwd"
server submission {
  listen 127.0.0.1:2587
  hostname mail.example.test
  auth {
    basic users staff
  }
}
`;

/** Where the compiler itself reports a rule, in LSP's 0-based coordinates. */
async function compilerRange(path: string, text: string, ruleId: string) {
  const { diagnostics } = await checkPolicy(path, { readText: async () => text });
  const d = diagnostics.find((x) => x.ruleId === ruleId);
  assert.ok(d, `the compiler does not report ${ruleId}`);
  const at = (p: { line: number; column: number }) => ({ line: p.line - 1, character: p.column - 1 });
  return { start: at(d.range.start), end: at(d.range.end) };
}

function workspace(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'smtppolicy-lsp-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('basic auth without TLS is reported at the method; the suppression quick fix only clears it once a real reason replaces its placeholder', { timeout: 60_000 }, async (t) => {
  const dir = workspace(t);
  const uri = pathToFileURL(join(dir, 'submission.smtppolicy')).href;
  const session = startSession();
  t.after(() => session.dispose());
  await session.initialize();
  await session.open(uri, INSECURE);

  const diagnostics = await session.diagnostics(uri, (p) => p.version === 1);
  const finding = diagnostics.find((d) => d.code === 'basic-auth-without-tls');
  assert.ok(finding, `expected basic-auth-without-tls, got ${JSON.stringify(diagnostics)}`);
  assert.deepEqual(finding.range, await compilerRange(join(dir, 'submission.smtppolicy'), INSECURE, 'basic-auth-without-tls'));
  assert.deepEqual(finding.range.start, { line: 5, character: 4 });
  assert.equal(finding.severity, 1);
  assert.equal(finding.source, 'smtppolicy');
  assert.match(finding.codeDescription?.href ?? '', /docs\/rules\/basic-auth-without-tls\.md$/);

  const actions = await session.request<CodeAction[]>('textDocument/codeAction', {
    textDocument: { uri },
    range: finding.range,
    context: { diagnostics: [finding] },
  });
  const suppress = actions.find((a) => a.title.startsWith('Suppress basic-auth-without-tls'));
  assert.ok(suppress?.edit?.changes?.[uri], `expected a suppression action, got ${JSON.stringify(actions)}`);
  const suppressed = applyEdits(INSECURE, suppress.edit.changes[uri]);
  assert.match(suppressed, /\n {4}# smtppolicy-ignore basic-auth-without-tls -- TODO say why this is acceptable here\n {4}basic users staff/);

  // One click does not silence the finding: the placeholder is refused.
  await session.replace(uri, INSECURE, suppressed);
  const clicked = await session.diagnostics(uri, (p) => p.version === 2);
  assert.deepEqual(clicked.filter((d) => d.severity === 1).map((d) => [d.code, d.range.start.line]).sort(), [
    ['basic-auth-without-tls', 6],
    ['invalid-suppression', 5],
  ]);

  const reasoned = suppressed.replace('TODO say why this is acceptable here', 'loopback only, the proxy in front terminates TLS');
  await session.replace(uri, suppressed, reasoned);
  const after = await session.diagnostics(uri, (p) => p.version === 3);
  assert.deepEqual(
    after.filter((d) => d.severity === 1).map((d) => d.code),
    [],
  );
});

test('an open relay gets a real fix, preferred over suppressing it, and applying it clears the finding', { timeout: 60_000 }, async (t) => {
  const dir = workspace(t);
  const uri = pathToFileURL(join(dir, 'mx.smtppolicy')).href;
  const text = 'server mx {\n  listen 0.0.0.0:25\n  hostname mx.example.test\n  local-domains example.test\n  relay { anyone }\n}\n';
  const session = startSession();
  t.after(() => session.dispose());
  await session.initialize();
  await session.open(uri, text);
  const finding = (await session.diagnostics(uri, (p) => p.version === 1)).find((d) => d.code === 'open-relay');
  assert.ok(finding);
  const actions = await session.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: finding.range, context: { diagnostics: [finding] } });
  assert.deepEqual(
    actions.map((a) => [a.title, a.isPreferred ?? false]),
    [
      ["Relay for authenticated clients only: replace 'anyone' with 'authenticated'", true],
      ['Suppress open-relay on this line (with a reason)', false],
    ],
  );
  const fixed = applyEdits(text, actions[0]!.edit!.changes![uri]!);
  assert.match(fixed, /\n {2}relay \{ authenticated \}\n/);
  await session.replace(uri, text, fixed);
  const after = await session.diagnostics(uri, (p) => p.version === 2);
  assert.deepEqual(after.filter((d) => d.code === 'open-relay'), []);
});

test("a rule's fix is offered as the preferred quick fix and applying it clears the finding", { timeout: 60_000 }, async (t) => {
  const dir = workspace(t);
  const uri = pathToFileURL(join(dir, 'tls.smtppolicy')).href;
  const text = `server submission {
  listen 127.0.0.1:2587
  hostname mail.example.test
  tls {
    certificate "mail.pem"
    key "mail.key"
    require
    min-version 1.0
  }
}
`;
  const session = startSession();
  t.after(() => session.dispose());
  await session.initialize();
  await session.open(uri, text);
  const diagnostics = await session.diagnostics(uri, (p) => p.version === 1);
  const finding = diagnostics.find((d) => d.code === 'tls-min-version-too-low');
  assert.ok(finding, JSON.stringify(diagnostics));
  assert.deepEqual(finding.range, await compilerRange(join(dir, 'tls.smtppolicy'), text, 'tls-min-version-too-low'));
  assert.deepEqual(finding.range.start, { line: 7, character: 16 });

  const actions = await session.request<CodeAction[]>('textDocument/codeAction', {
    textDocument: { uri },
    range: { start: finding.range.start, end: finding.range.start },
    context: { diagnostics: [] },
  });
  const fix = actions.find((a) => a.isPreferred);
  assert.ok(fix?.edit?.changes?.[uri], JSON.stringify(actions));
  assert.equal(fix.kind, 'quickfix');
  const fixed = applyEdits(text, fix.edit.changes[uri]);
  assert.match(fixed, /min-version 1\.2\n/);
  await session.replace(uri, text, fixed);
  const after = await session.diagnostics(uri, (p) => p.version === 2);
  assert.equal(after.filter((d) => d.code === 'tls-min-version-too-low').length, 0);
});

test('syntax errors are reported with their position and cannot be suppressed', { timeout: 60_000 }, async (t) => {
  const dir = workspace(t);
  const uri = pathToFileURL(join(dir, 'broken.smtppolicy')).href;
  const text = 'server a {\n  listen 127.0.0.1:25\n  hostnam mail.example.test\n}\n';
  const session = startSession();
  t.after(() => session.dispose());
  await session.initialize();
  await session.open(uri, text);
  const diagnostics = await session.diagnostics(uri, (p) => p.version === 1);
  const syntax = diagnostics.find((d) => d.code === 'syntax');
  assert.ok(syntax, JSON.stringify(diagnostics));
  assert.equal(syntax.range.start.line, 2);
  assert.equal(syntax.range.start.character, 2);
  assert.match(syntax.codeDescription?.href ?? '', /docs\/syntax-errors\.md#syntax$/, 'syntax errors link to the page that explains them');
  const actions = await session.request<CodeAction[]>('textDocument/codeAction', {
    textDocument: { uri },
    range: syntax.range,
    context: { diagnostics: [syntax] },
  });
  assert.deepEqual(actions.filter((a) => a.title.startsWith('Suppress')), []);
});

test('editing an included file re-checks the open file that includes it; closing clears diagnostics', { timeout: 60_000 }, async (t) => {
  const dir = workspace(t);
  const commonPath = join(dir, 'common.smtppolicy');
  const common = 'list partners { 203.0.113.0/24 }\n';
  writeFileSync(commonPath, common);
  const mainText = `include "common.smtppolicy"
server inbound {
  listen 127.0.0.1:2525
  hostname mx.example.test
  connections only { @partners }
}
`;
  const mainUri = pathToFileURL(join(dir, 'main.smtppolicy')).href;
  const commonUri = pathToFileURL(commonPath).href;
  const session = startSession();
  t.after(() => session.dispose());
  await session.initialize();
  await session.open(mainUri, mainText);
  await session.open(commonUri, common);
  const before = await session.diagnostics(mainUri, (p) => p.version === 1);
  assert.equal(before.filter((d) => d.severity === 1).length, 0, JSON.stringify(before));

  // Unsaved: the disk still has `partners`, the buffer does not.
  await session.replace(commonUri, common, 'list others { 203.0.113.0/24 }\n');
  const after = await session.diagnostics(mainUri, (p) => p.diagnostics.some((d) => /unknown list '@partners'/.test(String(d.message))));
  const unknown = after.find((d) => /unknown list/.test(String(d.message)))!;
  assert.deepEqual(unknown.range.start, { line: 4, character: 22 });

  await session.close(mainUri);
  const cleared = await session.diagnostics(mainUri, (p) => p.version === undefined);
  assert.deepEqual(cleared, []);
});

test('a change on disk to an included file (watched-file event) re-checks open files', { timeout: 60_000 }, async (t) => {
  const dir = workspace(t);
  const commonPath = join(dir, 'common.smtppolicy');
  writeFileSync(commonPath, 'list partners { 203.0.113.0/24 }\n');
  const mainText = 'include "common.smtppolicy"\nserver inbound {\n  listen 127.0.0.1:2525\n  hostname mx.example.test\n  connections only { @partners }\n}\n';
  const mainUri = pathToFileURL(join(dir, 'main.smtppolicy')).href;
  const session = startSession();
  t.after(() => session.dispose());
  await session.initialize();
  await session.open(mainUri, mainText);
  const before = await session.diagnostics(mainUri, (p) => p.version === 1);
  assert.equal(before.filter((d) => d.severity === 1).length, 0, JSON.stringify(before));

  writeFileSync(commonPath, 'list others { 203.0.113.0/24 }\n');
  await session.client.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(commonPath).href, type: 2 }] });
  await session.diagnostics(mainUri, (p) => p.diagnostics.some((d) => /unknown list '@partners'/.test(String(d.message))));
});

test('a syntax error elsewhere keeps the security findings, marked stale and moved with the text; an edit of their own text drops them', { timeout: 60_000 }, async (t) => {
  const dir = workspace(t);
  const uri = pathToFileURL(join(dir, 'typing.smtppolicy')).href;
  const mx = 'server mx {\n  listen 0.0.0.0:25\n  hostname mx.example.test\n  local-domains example.test\n  relay { anyone }\n}\n';
  const session = startSession();
  t.after(() => session.dispose());
  await session.initialize();
  await session.open(uri, mx);
  const fresh = (await session.diagnostics(uri, (p) => p.version === 1)).find((d) => d.code === 'open-relay');
  assert.deepEqual(fresh?.range, { start: { line: 4, character: 10 }, end: { line: 4, character: 16 } });

  // Half-way through typing a new server above it.
  const typing = `server submission {\n  listen\n}\n${mx}`;
  await session.replace(uri, mx, typing);
  const whileTyping = await session.diagnostics(uri, (p) => p.version === 2);
  assert.ok(whileTyping.some((d) => d.code === 'syntax'), JSON.stringify(whileTyping));
  const stale = whileTyping.find((d) => d.code === 'open-relay');
  assert.ok(stale, `the open relay vanished while typing: ${JSON.stringify(whileTyping)}`);
  assert.deepEqual(stale.range, { start: { line: 7, character: 10 }, end: { line: 7, character: 16 } });
  assert.match(String(stale.message), /as of the last check without syntax errors/);

  // Now the relay block itself is being edited: its old finding no longer describes it.
  const editingRelay = typing.replace('relay { anyone }', 'relay { anyo');
  await session.replace(uri, typing, editingRelay);
  const editing = await session.diagnostics(uri, (p) => p.version === 3);
  assert.deepEqual(editing.filter((d) => d.code === 'open-relay'), []);

  const done = typing.replace('  listen\n', '  listen 127.0.0.1:2587\n  hostname mx.example.test\n');
  await session.replace(uri, editingRelay, done);
  const checked = (await session.diagnostics(uri, (p) => p.version === 4)).find((d) => d.code === 'open-relay');
  assert.ok(checked && !/as of the last check/.test(String(checked.message)), JSON.stringify(checked));
});
