// The GitHub Action (action.yml + action/) run step by step as the runner runs it
// (composite-action.ts), on the repository's own clean and insecure examples.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { copyFile, mkdir } from 'node:fs/promises';
import { readmeYaml } from '../ci/readme-snippets.js';
import { loadAction, runCompositeAction, type ActionDefinition } from './composite-action.js';

const REPO_ROOT = join(import.meta.dirname, '..', '..');
const CLEAN = 'examples/quickstart.smtppolicy examples/submission-server.smtppolicy';
const INSECURE = 'examples/insecure/open-relay.smtppolicy\nexamples/insecure/duplicate-entry.smtppolicy';
const WARNING_ONLY = 'examples/insecure/duplicate-entry.smtppolicy';

let action: ActionDefinition;
const temps: string[] = [];

/** Runs the action from this checkout (already built by `npm ci`) with the repository as the workspace. */
async function runAction(inputs: Record<string, string>) {
  const runnerTemp = await mkdtemp(join(tmpdir(), 'smtppolicy-action-'));
  temps.push(runnerTemp);
  const run = await runCompositeAction(action, { actionPath: REPO_ROOT, workspace: REPO_ROOT, runnerTemp, inputs: { version: 'checkout', ...inputs } });
  return { ...run, runnerTemp, stepNames: run.steps.map((s) => s.name) };
}

describe('GitHub Action', () => {
  before(async () => {
    action = await loadAction(join(REPO_ROOT, 'action.yml'));
    assert.ok(existsSync(join(REPO_ROOT, 'dist/bin/smtppolicy.js')), 'dist/ is missing: run npm ci (it builds)');
  });
  after(() => Promise.all(temps.map((t) => rm(t, { recursive: true, force: true }))));

  it('passes a clean policy: an empty SARIF file for code scanning, a summary without findings', async () => {
    const run = await runAction({ paths: CLEAN });
    assert.equal(run.status, 0, run.steps.map((s) => s.stderr).join('\n'));
    assert.deepEqual(run.stepNames, ['Install smtppolicy', 'Lint policies', 'Verdict']);
    const sarifFile = join(run.runnerTemp, 'smtppolicy.sarif');
    assert.deepEqual(run.uses, [{ uses: 'github/codeql-action/upload-sarif@v4', with: { sarif_file: sarifFile, category: 'smtppolicy' } }]);
    const sarif = JSON.parse(await readFile(sarifFile, 'utf8'));
    assert.equal(sarif.version, '2.1.0');
    assert.deepEqual(sarif.runs[0].results, []);
    assert.match(run.summary, /^## smtppolicy lint\n\n✅ smtppolicy lint passed: 0 errors, 0 warnings \(fail-on: error\)/);
    assert.match(run.summary, /\| error \| 0 \|\n\| warning \| 0 \|/);
    assert.match(run.summary, /No findings\./);
    assert.deepEqual(run.outputs, { 'sarif-file': sarifFile, errors: '0', warnings: '0', 'exit-code': '0' });
  });

  it('fails an insecure policy after uploading it: the finding in the SARIF file and the summary', async () => {
    const run = await runAction({ paths: INSECURE });
    assert.equal(run.status, 1);
    assert.deepEqual(run.stepNames, ['Install smtppolicy', 'Lint policies', 'Verdict']);
    assert.equal(run.steps[1]!.status, 0, 'the lint step succeeds so that the upload runs');
    assert.equal(run.uses.length, 1, 'the SARIF file is uploaded before the verdict fails the job');
    const sarif = JSON.parse(await readFile(run.uses[0]!.with.sarif_file!, 'utf8'));
    const relay = sarif.runs[0].results.find((r: { ruleId: string }) => r.ruleId === 'open-relay');
    assert.deepEqual(relay.locations[0].physicalLocation.artifactLocation, { uri: 'examples/insecure/open-relay.smtppolicy', uriBaseId: '%SRCROOT%' });
    assert.equal(relay.locations[0].physicalLocation.region.startLine, 6);
    assert.match(run.steps[2]!.stdout, /smtppolicy lint failed: 1 error, 1 warning \(fail-on: error\)/);
    assert.match(run.summary, /^## smtppolicy lint\n\n❌ smtppolicy lint failed: 1 error, 1 warning/);
    assert.match(run.summary, /\| error \| 1 \|\n\| warning \| 1 \|\n\| info \| 0 \|/);
    // Most severe first, the rule linked to its documentation.
    const rows = run.summary.split('\n').filter((l) => /^\| (error|warning) \| \[/.test(l));
    assert.equal(rows.length, 2);
    assert.match(rows[0]!, /^\| error \| \[open-relay\]\(https:\/\/\S+\/docs\/rules\/open-relay\.md\) \| <code>examples\/insecure\/open-relay\.smtppolicy:6:11<\/code> \| any client in 0\.0\.0\.0\/0 .* may relay without authenticating/);
    assert.match(rows[1]!, /^\| warning \| \[duplicate-entry\]/);
  });

  it('lists the ten most severe findings in the summary when there are more', async () => {
    const run = await runAction({ paths: 'examples/insecure' });
    const count = (severity: string) => Number(new RegExp(`^\\| ${severity} \\| (\\d+) \\|$`, 'm').exec(run.summary)?.[1]);
    const total = count('error') + count('warning') + count('info');
    assert.equal(run.status, 1);
    assert.ok(total > 10, `examples/insecure has ${total} findings`);
    assert.match(run.summary, new RegExp(`### Top findings \\(10 of ${total}\\)`));
    const severities = run.summary.split('\n').filter((l) => /^\| (error|warning|info) \| \[/.test(l)).map((l) => l.split(' | ')[0]);
    assert.equal(severities.length, 10);
    assert.deepEqual(severities, [...severities].sort(), 'errors before warnings');
  });

  it('annotates the files instead of uploading when code scanning is off', async () => {
    const run = await runAction({ paths: INSECURE, 'code-scanning': 'false' });
    assert.equal(run.status, 1);
    assert.deepEqual(run.uses, []);
    assert.deepEqual(run.skipped, ['Upload findings to code scanning']);
    assert.match(run.stdout, /^::error file=examples\/insecure\/open-relay\.smtppolicy,line=6,col=11,endLine=6,endColumn=\d+,title=open-relay::any client/m);
    assert.match(run.stdout, /^::warning file=examples\/insecure\/duplicate-entry\.smtppolicy,line=4,.*title=duplicate-entry::/m);
  });

  it('code scanning on: no annotations of its own (code scanning shows the alerts)', async () => {
    const run = await runAction({ paths: INSECURE });
    assert.doesNotMatch(run.stdout, /^::(error|warning) file=/m);
  });

  it('fails by the CLI exit policy: warnings pass by default, fail with fail-on: warning or max-warnings', async () => {
    assert.equal((await runAction({ paths: WARNING_ONLY })).status, 0);
    const strict = await runAction({ paths: WARNING_ONLY, 'fail-on': 'warning' });
    assert.equal(strict.status, 1);
    assert.match(strict.summary, /❌ smtppolicy lint failed: 0 errors, 1 warning \(fail-on: warning\)/);
    assert.equal((await runAction({ paths: WARNING_ONLY, 'max-warnings': '0' })).status, 1);
    assert.equal((await runAction({ paths: WARNING_ONLY, 'max-warnings': '1' })).status, 0);
  });

  it('fail-on: never reports the findings and passes', async () => {
    const run = await runAction({ paths: INSECURE, 'fail-on': 'never' });
    assert.equal(run.status, 0);
    assert.equal(run.outputs.errors, '1');
    assert.equal(run.outputs['exit-code'], '0');
    assert.match(run.summary, /✅ smtppolicy lint reported 1 error, 1 warning \(fail-on: never\)/);
    assert.equal(run.uses.length, 1);
  });

  it('stops with status 2 on a usage error or a missing file, before any upload', async () => {
    const usageErrors: Record<string, string>[] = [{ 'fail-on': 'sometimes' }, { 'max-warnings': 'ten' }, { 'fail-on': 'warning', 'max-warnings': '3' }, { 'code-scanning': 'yes' }, { paths: ' ' }, { paths: 'examples/nope.smtppolicy' }];
    for (const inputs of usageErrors) {
      const run = await runAction({ paths: CLEAN, ...inputs });
      assert.equal(run.status, 2, JSON.stringify(inputs));
      assert.deepEqual(run.stepNames, ['Install smtppolicy', 'Lint policies'], JSON.stringify(inputs));
      assert.deepEqual(run.uses, []);
      assert.match(run.stdout, /^::error title=smtppolicy::/m);
    }
  });

  it('inputs never become shell code: they reach the scripts as environment variables', async () => {
    for (const step of action.runs.steps) assert.doesNotMatch(step.run ?? '', /\$\{\{/, `${step.name} pastes an expression into its script`);
    const marker = join(tmpdir(), `smtppolicy-injected-${process.pid}`);
    const run = await runAction({ paths: `examples/quickstart.smtppolicy $(touch ${marker}) \`touch ${marker}\``, 'fail-on': `error\n::error::injected` });
    assert.equal(run.status, 2);
    assert.equal(existsSync(marker), false);
    assert.doesNotMatch(run.stdout, /^::error::injected/m);
  });

  it("runs the README's copy-paste workflow: clean policies pass, an insecure one fails", async () => {
    const workflow = readmeYaml('GitHub Actions') as {
      permissions: Record<string, string>;
      jobs: { lint: { steps: { uses?: string; with?: Record<string, string> }[] } };
    };
    assert.equal(workflow.permissions['security-events'], 'write');
    const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
    const step = workflow.jobs.lint.steps.find((s) => s.uses?.startsWith('smtppolicy/smtppolicy@'));
    assert.equal(step?.uses, `smtppolicy/smtppolicy@v${version}`);
    const inputs = step?.with ?? {};
    for (const name of Object.keys(inputs)) assert.ok(name in action.inputs, `the README passes '${name}', which action.yml does not declare`);

    const workspace = await mkdtemp(join(tmpdir(), 'smtppolicy-workspace-'));
    temps.push(workspace);
    await mkdir(join(workspace, inputs.paths ?? '.'), { recursive: true });
    await copyFile(join(REPO_ROOT, 'examples/quickstart.smtppolicy'), join(workspace, inputs.paths ?? '.', 'main.smtppolicy'));
    const runnerTemp = await mkdtemp(join(tmpdir(), 'smtppolicy-action-'));
    temps.push(runnerTemp);
    const clean = await runCompositeAction(action, { actionPath: REPO_ROOT, workspace, runnerTemp, inputs });
    assert.equal(clean.status, 0, clean.steps.map((s) => s.stdout + s.stderr).join('\n'));
    await copyFile(join(REPO_ROOT, 'examples/insecure/open-relay.smtppolicy'), join(workspace, inputs.paths ?? '.', 'relay.smtppolicy'));
    const insecure = await runCompositeAction(action, { actionPath: REPO_ROOT, workspace, runnerTemp, inputs });
    assert.equal(insecure.status, 1);
    assert.match(insecure.summary, /<code>policies\/relay\.smtppolicy:6:11<\/code>/);
  });

  it('a path input is a path, never a flag', async () => {
    const run = await runAction({ paths: '--fix examples/quickstart.smtppolicy' });
    assert.equal(run.status, 2);
    assert.match(run.steps[1]!.stderr, /no such file or directory: --fix/);
  });

  it("the README's input table lists every input with its default", () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('| input | default | meaning |')).split('\n\n')[0]!;
    const rows = table.split('\n').slice(2).map((row) => /^\| `([\w-]+)` \| (.*?) \|/.exec(row)!.slice(1, 3));
    const documented = Object.fromEntries(rows.map(([name, shown]) => [name, shown === '(no limit)' ? '' : shown!.replace(/^`|`$/g, '')]));
    assert.deepEqual(documented, Object.fromEntries(Object.entries(action.inputs).map(([name, spec]) => [name, spec.default ?? ''])));
  });

  it('pins the npm version it installs to the release it belongs to', () => {
    const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
    assert.equal(action.inputs.version?.default, version);
  });
});
