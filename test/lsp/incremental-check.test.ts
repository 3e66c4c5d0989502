// The language server re-checks an edited document reusing its previous parse; whatever the
// edits, the diagnostics it publishes are exactly those of a full check of the same text.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { checkPolicy } from '../../compiler/index.js';
import { DocumentStore, type EditorDocument } from '../../lsp/document-store.js';

const URI = 'file:///policies/main.smtppolicy';
const PATH = '/policies/main.smtppolicy';
const INCLUDED = 'list shared { 10.200.0.0/16  10.200.1.0/24 }\n';

/** A valid policy with lists, servers using them, and findings (duplicates, shadowed entries). */
function generatedPolicy(lists: number): string {
  const out = ['# generated', 'include "shared.smtppolicy"', 'users staff file "staff.passwd"', ''];
  for (let l = 0; l < lists; l++) {
    out.push(`list l${l} {`);
    for (let i = 0; i < 6; i++) out.push(i === 5 ? `  domain host${l}.example.com` : `  10.${l}.${i % 4}.${i}`);
    if (l % 3 === 0) out.push(`  10.${l}.0.0/16`);
    out.push('}', '');
    if (l % 2 === 1) {
      out.push(
        `server s${l} {`,
        `  listen 10.99.${l}.1:587`,
        `  hostname s${l}.example.com`,
        '  tls { certificate "mail.pem"  key "mail.key"  require }',
        `  connections only { @l${l}  @l${l - 1} @shared }`,
        '  auth { basic users staff }',
        `  relay { authenticated  @l${l - 1} }`,
        '}',
        '',
      );
    }
  }
  return out.join('\n');
}

const BASE = generatedPolicy(8);

const INSERTED = fc.oneof(
  fc.constantFrom(' ', '\n', '0', '1', '9', '.', '/24', '}', '{', '#', '"', 'list x {', '@l1', 'domain', '10.1.1.1\n', ''),
  fc.string({ maxLength: 4 }),
);
const edit = fc.record({ at: fc.nat(), remove: fc.nat({ max: 6 }), insert: INSERTED });

function applyEdit(text: string, e: { at: number; remove: number; insert: string }): string {
  const at = e.at % (text.length + 1);
  return text.slice(0, at) + e.insert + text.slice(Math.min(text.length, at + e.remove));
}

/** The base policy open in a document store, and the edit-then-compare step both tests use. */
async function openBase() {
  const document: EditorDocument & { text: string; version: number } = {
    uri: URI,
    version: 1,
    text: BASE,
    getText() {
      return this.text;
    },
  };
  const store = new DocumentStore({ get: (uri) => (uri === URI ? document : undefined), all: () => [document] }, { readFile: async () => INCLUDED });
  await store.context(URI);
  return {
    document,
    /**
     * Sets the text, then returns what the store publishes and what a full check of the same
     * text reports for the document, and the runtime configs both resolved (their `source`
     * locations are what lint maps findings back to the text with).
     */
    async edit(text: string) {
      document.text = text;
      document.version++;
      const context = (await store.context(URI))!;
      const full = await checkPolicy(PATH, { cwd: '/policies', readText: async (path) => (path === PATH ? document.text : INCLUDED) });
      // The document's own diagnostics are what the server publishes for it.
      return { incremental: context.diagnostics, full: full.diagnostics.filter((d) => d.file === 'main.smtppolicy'), config: { incremental: context.check.model.config, full: full.model.config } };
    },
  };
}

describe('incremental checking in the language server', () => {
  it('publishes the diagnostics of a full check after any sequence of edits', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 5 }), async (edits) => {
        const open = await openBase();
        for (const e of edits) {
          const { incremental, full, config } = await open.edit(applyEdit(open.document.text, e));
          assert.deepEqual(incremental, full, `text: ${JSON.stringify(open.document.text)}`);
          assert.deepEqual(config.incremental, config.full, `config of text: ${JSON.stringify(open.document.text)}`);
        }
      }),
      { numRuns: 120 },
    );
  });

  // The store keeps resolved lists and overlap-free lists and server groups from one check to
  // the next (compiler/check-reuse.ts); these edits change exactly what those results depend on.
  const scenarios: [string, [string, string][]][] = [
    [
      'an edit inside a list used by several servers creates, then removes, a duplicate',
      [
        ['  10.4.1.1\n', '  10.4.0.0\n'], // l4 (used by s5's connections and relay) now lists 10.4.0.0 twice
        ['  10.4.0.0\n  10.4.2.2', '  10.4.1.1\n  10.4.2.2'],
        // s5's connection list without the included list (whose entries overlap) has no overlaps...
        ['@l5  @l4 @shared', '@l5  @l4'],
        // ...until l5 and l4, both in it, share an entry (s5's block itself is unchanged)
        ['  10.5.1.1\n', '  10.4.2.2\n'],
        ['  10.4.2.2\n  10.5.2.2', '  10.5.1.1\n  10.5.2.2'],
        ['  10.5.3.3\n', '  10.4.0.0\n'],
      ],
    ],
    [
      'a list is renamed away from its servers and back',
      [
        ['list l4 {', 'list l44 {'],
        ['list l44 {', 'list l4 {'],
        ['list l5 {', 'list l4 {'], // now declared twice
        ['list l4 {\n  10.5.', 'list l5 {\n  10.5.'],
      ],
    ],
    [
      'a list that names another list sees the other list change',
      [
        ['list l2 {', 'list l2 {\n  @l1'],
        ['  10.1.1.1\n', '  10.2.2.2\n'], // now also in l2, through @l1: s3's relay grants list it twice
        ['  10.2.2.2\n  10.1.2.2', '  10.1.1.1\n  10.1.2.2'],
        ['list l2 {\n  @l1', 'list l2 {'],
      ],
    ],
    [
      'a server starts and stops naming another list',
      [
        ['@l5  @l4 @shared', '@l5  @l4 @shared @l2'],
        ['@l5  @l4 @shared @l2', '@l5  @l4 @shared'],
        ['@l5  @l4 @shared', '@l5  @l5 @shared'],
        ['@l5  @l5 @shared', '@l5  @l4 @shared'],
      ],
    ],
    [
      'lines typed and deleted above lists move them, with and without findings',
      [
        ['list l2 {', '\nlist l2 {'],
        ['  10.5.0.0\n', '  10.5.0.0\n  10.5.0.0/24\n'], // below the moved text: a shadowed entry in a moved list
        ['\nlist l2 {', 'list l2 {'],
        ['  10.5.0.0\n  10.5.0.0/24\n', '  10.5.0.0\n'],
        ['list l1 {', 'list l1 { 10.1.0.0 }\nlist l1x {'],
        ['list l1 { 10.1.0.0 }\nlist l1x {', 'list l1 {'],
      ],
    ],
    [
      'an edit makes the policy invalid, and then valid again',
      [
        ['  10.6.1.1\n', '  10.6.1.300\n'],
        ['  10.6.1.300\n', '  10.6.1.1\n'],
        ['@l7  @l6', '@l7  @l66'],
        ['@l7  @l66', '@l7  @l6'],
      ],
    ],
  ];
  for (const [name, edits] of scenarios) {
    it(`publishes the diagnostics of a full check when ${name}`, async () => {
      const open = await openBase();
      const seen = new Set<string>();
      for (const [from, to] of edits) {
        assert.ok(open.document.text.includes(from), `the scenario's text '${from}' is in the policy`);
        const { incremental, full, config } = await open.edit(open.document.text.replace(from, to));
        assert.deepEqual(incremental, full, `after '${from}' → '${to}'`);
        assert.deepEqual(config.incremental, config.full, `config after '${from}' → '${to}'`);
        for (const d of incremental) seen.add(`${d.ruleId}:${d.range.start.line}`);
      }
      // Each scenario changes what is reported, or it would not test the reuse.
      const base = (await checkPolicy(PATH, { cwd: '/policies', readText: async (path) => (path === PATH ? BASE : INCLUDED) })).diagnostics;
      assert.ok([...seen].some((key) => !base.some((d) => `${d.ruleId}:${d.range.start.line}` === key)), 'some edit changed the findings');
    });
  }

  it('the base policy has lint findings, so the comparison covers them', async () => {
    const full = await checkPolicy(PATH, { cwd: '/policies', readText: async (path) => (path === PATH ? BASE : INCLUDED) });
    const rules = new Set(full.diagnostics.map((d) => d.ruleId));
    assert.ok(rules.has('shadowed-entry'), [...rules].join(', '));
    assert.ok(!full.diagnostics.some((d) => d.severity === 'error' && (d.ruleId === 'syntax' || d.ruleId === 'semantic')));
  });
});
