import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkEditorText, type TextChange } from '../../playground/analyse.js';
import { SAMPLE_POLICY } from '../../playground/sample.js';

// What the playground's worker answers for a text, in-process: the same compiler, fixes and
// decisions as the CLI, with nothing read from disk.

const OPEN_RELAY = readFileSync(join(import.meta.dirname, '../../examples/insecure/open-relay.smtppolicy'), 'utf8');
const STRANGER = { server: 'mx', client: '203.0.113.7', rcpt: 'someone@elsewhere.example' };

function apply(text: string, changes: readonly TextChange[]): string {
  // from the end, so earlier offsets stay valid (CodeMirror applies a change set the same way)
  return [...changes].sort((a, b) => b.from - a.from).reduce((t, c) => t.slice(0, c.from) + c.insert + t.slice(c.to), text);
}

describe('the playground analysis', () => {
  it('opens with a lint-clean sample that it compiles, explains and draws', async () => {
    const checked = await checkEditorText(SAMPLE_POLICY);
    assert.deepEqual(checked.findings, { diagnostics: [], servers: ['inbound'] });
    const views = checked.views({ server: 'inbound', client: '10.1.2.3', rcpt: 'x@elsewhere.example' });
    assert.equal(JSON.parse(views.json!).servers[0].name, 'inbound');
    assert.equal(views.explanation[1], 'decision: accept at rcpt (relay delivery)');
    assert.match(views.svg!, /^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  });

  it("reports an open relay at the grant, with the rule's fix as editor offsets; the fixed text has no finding and refuses the stranger", async () => {
    const checked = await checkEditorText(OPEN_RELAY);
    const relay = checked.findings.diagnostics.find((d) => d.ruleId === 'open-relay');
    assert.ok(relay, JSON.stringify(checked.findings));
    assert.equal(relay.severity, 'error');
    assert.equal(OPEN_RELAY.slice(relay.from, relay.to), '0.0.0.0/0');
    assert.match(relay.message, /smtppolicy explain policy\.smtppolicy --server mx --client 8\.8\.8\.8/);
    assert.equal(checked.views(STRANGER).explanation[1], 'decision: accept at rcpt (relay delivery)');

    const fixed = apply(OPEN_RELAY, relay.fix!.changes);
    assert.match(fixed, /relay \{ authenticated \}/);
    const after = await checkEditorText(fixed);
    assert.equal(after.findings.diagnostics.find((d) => d.ruleId === 'open-relay'), undefined);
    assert.match(after.views(STRANGER).explanation[1]!, /^decision: refuse at rcpt/);
  });

  it('reports a file the policy names as missing, at its line (the browser reads no files)', async () => {
    const text = 'include "shared.smtppolicy"\n';
    const checked = await checkEditorText(text);
    const [missing] = checked.findings.diagnostics;
    assert.ok(missing);
    assert.equal(missing.severity, 'error');
    assert.match(missing.message, /shared\.smtppolicy.*no such file/);
    assert.equal(text.slice(missing.from, missing.to).includes('shared.smtppolicy'), true);
  });

  it('neither compiles, explains nor draws a policy the language rejects, and says why', async () => {
    const checked = await checkEditorText('server mx {\n  listen 0.0.0.0:25\n  hostname\n}\n');
    assert.equal(checked.findings.diagnostics[0]?.ruleId, 'syntax');
    assert.deepEqual(checked.findings.servers, []);
    const views = checked.views(STRANGER);
    assert.equal(views.json, null);
    assert.equal(views.svg, null);
    assert.match(views.explanation.join('\n'), /errors of the language/);
  });

  it('names a client that is not an address instead of explaining it', async () => {
    const views = (await checkEditorText(OPEN_RELAY)).views({ ...STRANGER, client: 'mail.example.org' });
    assert.deepEqual(views.explanation, ["'mail.example.org' is not an IP address."]);
  });
});
