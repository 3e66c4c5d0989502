import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import AjvDraft04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { checkPolicy } from '../../../compiler/check.js';
import { formatSarif } from '../../../compiler/report/sarif.js';
import { RULES } from '../../../compiler/rules/index.js';

const root = join(import.meta.dirname, '..', '..', '..');
// The official OASIS SARIF 2.1.0 schema, kept in the repository so a fresh clone validates against it.
const SCHEMA = join(import.meta.dirname, 'fixtures', 'sarif-schema-2.1.0.json');

async function sarifFor(example: string, cwd = root) {
  const { diagnostics, files } = await checkPolicy(example, { cwd });
  const sources = new Map(files.map((f) => [f.displayName, f.text]));
  return JSON.parse(formatSarif({ diagnostics, sources }, { rules: RULES, toolVersion: '0.1.0' }));
}

/** Lints the text in a temporary directory, as `policy.smtppolicy`. */
async function sarifForText(text: string) {
  const dir = await mkdtemp(join(tmpdir(), 'smtppolicy-sarif-'));
  try {
    await writeFile(join(dir, 'policy.smtppolicy'), text);
    return await sarifFor('policy.smtppolicy', dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('SARIF reporter', () => {
  it('validates against the official SARIF 2.1.0 schema', { skip: !existsSync(SCHEMA) && !process.env.CI ? `schema not found at ${SCHEMA} (it lives outside the repository)` : false }, async () => {
    assert.ok(existsSync(SCHEMA), `SARIF schema missing at ${SCHEMA}`);
    // CommonJS default export seen through NodeNext ESM interop.
    const Ajv = (AjvDraft04 as unknown as { default: typeof AjvDraft04.default }).default;
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(SCHEMA, 'utf8')));
    const sarif = await sarifFor('examples/insecure/listen-address-conflict.smtppolicy');
    assert.ok(validate(sarif), JSON.stringify(validate.errors, null, 2));
  });

  it('describes every rule and points results at them, with GitHub security metadata', async () => {
    const sarif = await sarifFor('examples/insecure/open-relay.smtppolicy');
    const run = sarif.runs[0];
    const rules = run.tool.driver.rules;
    const openRelay = rules.find((r: { id: string }) => r.id === 'open-relay');
    assert.equal(openRelay.defaultConfiguration.level, 'error');
    assert.ok(openRelay.properties.tags.includes('security'));
    assert.equal(openRelay.properties['security-severity'], '8.0');
    assert.match(openRelay.helpUri, /docs\/rules\/open-relay\.md$/);
    assert.equal(run.results.length, 1);
    const [result] = run.results;
    assert.equal(rules[result.ruleIndex].id, 'open-relay');
    assert.equal(result.level, 'error');
    assert.deepEqual(result.locations[0].physicalLocation, {
      artifactLocation: { uri: 'examples/insecure/open-relay.smtppolicy', uriBaseId: '%SRCROOT%' },
      region: { startLine: 6, startColumn: 11, endLine: 6, endColumn: 20 },
    });
  });

  it('every rule, syntax and semantic included, has a helpUri to a page (and section) that exists in docs/', async () => {
    const sarif = await sarifForText('server s {\n  listen 10.0.0.1:25\n');
    const rules: { id: string; helpUri?: string }[] = sarif.runs[0].tool.driver.rules;
    assert.ok(rules.some((r) => r.id === 'syntax') && rules.some((r) => r.id === 'semantic'));
    for (const rule of rules) {
      assert.ok(rule.helpUri, `${rule.id} has no helpUri`);
      const [url, section] = rule.helpUri.split('#') as [string, string | undefined];
      const local = url.replace('https://github.com/smtppolicy/smtppolicy/blob/main/', '');
      assert.notEqual(local, url, `${rule.id}: ${rule.helpUri} is not a page of this repository`);
      assert.ok(existsSync(join(root, local)), `${rule.id}: ${local} does not exist`);
      if (section !== undefined) assert.match(readFileSync(join(root, local), 'utf8'), new RegExp(`^## ${section}$`, 'm'), `${rule.id}: no section #${section} in ${local}`);
    }
    assert.ok(sarif.runs[0].results.some((r: { ruleId: string }) => r.ruleId === 'syntax'));
  });

  it('fingerprints survive lines inserted above the finding', async () => {
    const text = readFileSync(join(root, 'examples/insecure/open-relay.smtppolicy'), 'utf8');
    const before = await sarifForText(text);
    const after = await sarifForText(`# a new comment\n\n${text}`);
    assert.equal(after.runs[0].results[0].locations[0].physicalLocation.region.startLine, 8);
    assert.deepEqual(after.runs[0].results[0].partialFingerprints, before.runs[0].results[0].partialFingerprints);
  });
});
