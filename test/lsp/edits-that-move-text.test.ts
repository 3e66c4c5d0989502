// On each keystroke the language server takes over what its earlier checks resolved: the
// items of the lists an edit only moved, the expanded entries of servers whose lists kept
// their items, and where each entry is written (looked up only when a finding asks). Typing
// on a line moves all later text by a character without moving its lines, which is exactly
// what that reuse relies on. Over a real connection, every publication here must be that of
// a full check of the same text, and each finding must sit where its quick fixes work.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CodeAction, Diagnostic as LspDiagnostic } from 'vscode-languageserver/node';
import { checkPolicy } from '../../compiler/check.js';
import type { Range } from '../../grammar/index.js';
import { startSession } from './helpers/lsp-session.js';
import { applyEdits } from './helpers/text-edits.js';

const PATH = '/policies/moves.smtppolicy';
const URI = 'file:///policies/moves.smtppolicy';

// `spare` is named by nobody: typing in it moves everything below and changes nothing else.
const POLICY = `list spare {
  192.0.2.0/24
}

list partners {
  10.1.0.0/16
  10.2.0.0/16
}

list backup {
  10.3.0.0/16
  10.3.0.0/16
  domain mx.partner.example
}

server mx {
  listen 127.0.0.1:2525
  hostname mx.example.test
  connections only { @partners  @backup  10.9.0.0/16 }
  relay { authenticated  @backup }
}
`;

/** An edit as an editor sends it: 0-based line and characters on that line. */
interface LineEdit {
  line: number;
  from: number;
  to: number;
  text: string;
}

function applyLineEdit(text: string, e: LineEdit): string {
  return applyEdits(text, [{ range: { start: { line: e.line, character: e.from }, end: { line: e.line, character: e.to } }, newText: e.text }]);
}

const lspRange = (r: Range) => ({ start: { line: r.start.line - 1, character: r.start.column - 1 }, end: { line: r.end.line - 1, character: r.end.column - 1 } });

/** What a user sees of a diagnostic: rule, message, place, and the places it links to. */
function seen(d: LspDiagnostic) {
  return { code: d.code, message: d.message, range: d.range, related: (d.relatedInformation ?? []).map((r) => r.location.range) };
}

async function fullCheck(text: string) {
  const { diagnostics } = await checkPolicy(PATH, { cwd: '/policies', readText: async () => text });
  return diagnostics.map((d) => ({ code: d.ruleId, message: d.message, range: lspRange(d.range), related: (d.related ?? []).map((r) => lspRange(r.range)) }));
}

test('edits that move lists and servers, before and after a list changes, publish what a full check reports, where its quick fixes apply', { timeout: 60_000 }, async (t) => {
  const session = startSession();
  t.after(() => session.dispose());
  await session.initialize({ diagnosticsDelayMs: 0 });
  await session.open(URI, POLICY);
  let text = POLICY;
  let version = 1;
  const findings = new Set<string>();

  const expectFullCheck = async (what: string) => {
    const published = await session.diagnostics(URI, (p) => p.version === version);
    assert.deepEqual(published.map(seen), await fullCheck(text), `${what}: ${text}`);
    const lines = text.split('\n');
    for (const d of published) {
      findings.add(`${d.code}: ${d.message}`);
      // The server finds the diagnostics at a place by their offsets: a finding whose offsets
      // were left behind by a move gets no actions, or a suppression comment indented wrongly.
      const actions = await session.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: URI }, range: d.range, context: { diagnostics: [d] } });
      const own = actions.filter((a) => a.diagnostics?.some((x) => x.message === d.message));
      assert.ok(own.length > 0, `${what}: no quick fix offered at ${JSON.stringify(d.range)} for ${d.message}`);
      for (const action of own) {
        const edits = action.edit!.changes![URI]!;
        if (action.title.startsWith('Suppress')) {
          const indent = /^\s*/.exec(lines[d.range.start.line]!)![0];
          assert.ok(edits[0]!.newText.startsWith(`${indent}#`), `${what}: '${edits[0]!.newText}' is not indented like line ${d.range.start.line + 1}`);
        } else {
          const fixed = await fullCheck(applyEdits(text, edits));
          assert.equal(fixed.filter((f) => f.code === d.code).length, published.filter((p) => p.code === d.code).length - 1, `${what}: '${action.title}' fixes its finding`);
        }
      }
    }
  };
  const edit = async (what: string, e: LineEdit) => {
    text = applyLineEdit(text, e);
    version = await session.edit(URI, [{ range: { start: { line: e.line, character: e.from }, end: { line: e.line, character: e.to } }, text: e.text }]);
    await expectFullCheck(what);
  };

  await expectFullCheck('as opened');
  const initial = new Set(findings);
  assert.ok([...initial].some((f) => f.startsWith('duplicate-entry')), [...initial].join('\n'));

  // Typing and deleting a blank in `spare`: the lists and the server below move on their lines.
  await edit('a blank typed above the lists', { line: 1, from: 0, to: 0, text: ' ' });
  await edit('the blank deleted', { line: 1, from: 0, to: 1, text: '' });
  await edit('a blank typed again', { line: 1, from: 0, to: 0, text: ' ' });
  // A list the server names changes (below the moved text): the server's connection list now
  // holds 10.1.2.0/24 from `backup` inside 10.1.0.0/16 from `partners`.
  await edit('a list the server names changes', { line: 10, from: 5, to: 13, text: '1.2.0/24' });
  assert.ok([...findings].some((f) => f.startsWith('shadowed-entry') && !initial.has(f)), [...findings].join('\n'));
  // ... then everything below `spare` moves again, on its lines, and then to other lines.
  await edit('the blank deleted after the list changed', { line: 1, from: 0, to: 1, text: '' });
  await edit('a line break typed above the lists', { line: 1, from: 0, to: 0, text: '\n' });
  await edit('a blank typed on the moved lines', { line: 2, from: 0, to: 0, text: ' ' });
  // The server's own entry changes while the lists it names stay as they are.
  await edit('the server writes an entry that a named list covers', { line: 19, from: 41, to: 52, text: '10.2.3.0/24' });
  await edit('a blank typed in the server', { line: 19, from: 0, to: 0, text: ' ' });
  assert.ok(text.includes(' connections only { @partners  @backup  10.2.3.0/24 }'), text);
});
