// The GitHub Actions workflow of docs/review.md, run as far as a machine without GitHub
// can: its YAML parses, it may comment, and its diff step's shell script, with the base
// branch filled in and `smtppolicy` on PATH, writes the markdown comment and the status the
// later steps read (1: the pull request grants relay to anyone new).

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';

const ROOT = join(import.meta.dirname, '..', '..');

interface Step {
  name?: string;
  id?: string;
  run?: string;
  if?: string;
}
interface Workflow {
  permissions: Record<string, string>;
  jobs: Record<string, { steps: Step[] }>;
}

function workflow(): Workflow {
  const doc = readFileSync(join(ROOT, 'docs', 'review.md'), 'utf8');
  const start = doc.indexOf('\n### In a pull request: the diff as a comment (GitHub Actions)\n');
  assert.ok(start >= 0, 'docs/review.md has the workflow section');
  const block = /```yaml\n([\s\S]*?)```/.exec(doc.slice(start));
  assert.ok(block, 'the section has a yaml block');
  return parse(block[1]!) as Workflow;
}

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smtppolicy-workflow-'));
});
after(() => rm(dir, { recursive: true, force: true }));

const server = (relay: string) => `server mx {\n  listen 0.0.0.0:25\n  hostname mx.example.test\n  local-domains example.test\n  relay { ${relay} }\n}\n`;

describe('the pull-request workflow of docs/review.md', () => {
  it('may comment on pull requests, and fails the check only on status 1', () => {
    const { permissions, jobs } = workflow();
    assert.equal(permissions['pull-requests'], 'write');
    const steps = Object.values(jobs)[0]!.steps;
    assert.ok(steps.some((s) => s.run?.includes('gh pr comment') && s.run.includes('--body-file "$RUNNER_TEMP/diff.md"')));
    assert.equal(steps.at(-1)!.if, "steps.diff.outputs.status == '1'");
  });

  it("runs its diff step: the comment says the change grants relay, and the step's output is status=1", async () => {
    const repo = join(dir, 'repo');
    await mkdir(join(repo, 'policies'), { recursive: true });
    const git = (...args: string[]) => execFileSync('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@example.test', ...args], { stdio: 'pipe' });
    git('init', '-q');
    await writeFile(join(repo, 'policies', 'mx.smtppolicy'), server('10.0.0.0/8'));
    git('add', '.');
    git('commit', '-q', '-m', 'base');
    git('update-ref', 'refs/remotes/origin/main', 'HEAD'); // what actions/checkout fetches with fetch-depth 0
    await writeFile(join(repo, 'policies', 'mx.smtppolicy'), server('10.0.0.0/7'));

    // `smtppolicy` as the workflow finds it on PATH: this checkout's built command (as the
    // GitLab CI test runs it), the bundle users install
    const command = join(ROOT, 'dist', 'bin', 'smtppolicy.js');
    assert.ok(existsSync(command), 'dist/ is missing: run npm ci (it builds)');
    const bin = join(dir, 'bin');
    await mkdir(bin);
    await writeFile(join(bin, 'smtppolicy'), `#!/bin/sh\nexec "${process.execPath}" "${command}" "$@"\n`);
    await chmod(join(bin, 'smtppolicy'), 0o755);

    const step = workflow().jobs.diff!.steps.find((s) => s.id === 'diff')!;
    const script = step.run!.replace('${{ github.base_ref }}', 'main');
    const output = join(dir, 'github-output');
    // as GitHub runs a `run:` step (shell: bash)
    const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], {
      cwd: repo,
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, RUNNER_TEMP: dir, GITHUB_OUTPUT: output, NO_COLOR: '1' },
      encoding: 'utf8',
    });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(await readFile(output, 'utf8'), 'status=1\n');
    const comment = await readFile(join(dir, 'diff.md'), 'utf8');
    assert.match(comment, /^### smtppolicy diff: `origin\/main:policies\/mx\.smtppolicy` → `policies\/mx\.smtppolicy`$/m);
    assert.match(comment, /^> \[!CAUTION\]$/m);
    assert.match(comment, /\+16,777,216 IPv4 addresses may relay without logging in/);
  });
});
