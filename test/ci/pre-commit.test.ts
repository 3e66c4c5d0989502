// The pre-commit hooks (.pre-commit-hooks.yaml) run by the real pre-commit, as a user's
// repository runs them: the README's .pre-commit-config.yaml, pointed at a snapshot of
// this checkout (committed, as pre-commit clones hook repositories), in a scratch git
// repository with a clean, an insecure and an unformatted policy.
// `pre-commit try-repo` would do the same with a throw-away store, so every call would
// install the `language: node` environment again (npm install with the dev dependencies,
// the build, npm pack, npm install -g: minutes each); `pre-commit run` with one
// PRE_COMMIT_HOME installs it once. That install needs the npm registry for the packed
// package's dependencies. The `-system` hooks run the scratch repository's own
// devDependency with npm offline.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { stringify } from 'yaml';
import { requireTool } from '../helpers/tools.js';
import { snapshotCheckout } from '../helpers/checkout-snapshot.js';
import { packageVersion, readmeYaml, REPO_ROOT } from './readme-snippets.js';

interface Result { status: number; output: string }

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.once('error', reject);
    child.once('close', (status) => resolve({ status: status ?? -1, output }));
  });
}

async function ok(command: string, args: string[], cwd: string): Promise<string> {
  const result = await run(command, args, cwd, GIT_IDENTITY);
  assert.equal(result.status, 0, `${command} ${args.join(' ')}: ${result.output}`);
  return result.output;
}

const GIT_IDENTITY = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.test', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.test' };
const UNFORMATTED = 'server  mx {\n listen 0.0.0.0:2525\n   hostname mail.example.test\n  local-domains example.test\n}\n';

describe('pre-commit hooks', { timeout: 30 * 60_000 }, () => {
  let root: string;
  let hookRepo: string;
  let rev: string;
  let scratch: string;
  let tools: { preCommit: string } | null = null;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'smtppolicy-pre-commit-'));
    // The hook repository: this checkout as it is now, committed in a repository of its own.
    hookRepo = join(root, 'hooks');
    await mkdir(hookRepo);
    await snapshotCheckout(hookRepo);
    await ok('git', ['init', '-q'], hookRepo);
    await ok('git', ['add', '-A'], hookRepo);
    await ok('git', ['commit', '-q', '-m', 'snapshot'], hookRepo);
    rev = (await ok('git', ['rev-parse', 'HEAD'], hookRepo)).trim();

    scratch = join(root, 'user-repo');
    await mkdir(scratch);
    await cp(join(REPO_ROOT, 'examples/quickstart.smtppolicy'), join(scratch, 'clean.smtppolicy'));
    await cp(join(REPO_ROOT, 'examples/insecure/open-relay.smtppolicy'), join(scratch, 'insecure.smtppolicy'));
    await writeFile(join(scratch, 'unformatted.smtppolicy'), UNFORMATTED);
    await writeFile(join(scratch, 'notes.txt'), 'relay { 0.0.0.0/0 }\n');
    await ok('git', ['init', '-q'], scratch);
    await ok('git', ['add', '-A'], scratch);
  });
  after(() => rm(root, { recursive: true, force: true }));

  /** The README's config with the repository replaced by the snapshot, and hook settings changed. */
  async function configure(hooks?: { id: string; args?: string[] }[]): Promise<string> {
    const config = readmeYaml('pre-commit') as { repos: { repo: string; rev: string; hooks: { id: string }[] }[] };
    const repo = config.repos.find((r) => r.repo === 'https://github.com/smtppolicy/smtppolicy');
    assert.ok(repo, 'the README config names the smtppolicy repository');
    assert.equal(repo.rev, `v${packageVersion()}`, 'the README pins the release tag of this version');
    repo.repo = hookRepo;
    repo.rev = rev;
    if (hooks) repo.hooks = hooks;
    const file = join(root, `config-${Math.random().toString(36).slice(2)}.yaml`);
    await writeFile(file, stringify(config));
    return file;
  }

  function preCommit(t: TestContext, config: string, hook: string, files: string[], env: NodeJS.ProcessEnv = {}): Promise<Result> | null {
    if (!tools) {
      const preCommitPath = requireTool(t, 'pre-commit', 'pre-commit');
      if (!preCommitPath) return null;
      tools = { preCommit: preCommitPath };
    }
    return run(tools.preCommit, ['run', '--config', config, hook, '--files', ...files], scratch, { PRE_COMMIT_HOME: join(root, 'cache'), NO_COLOR: '1', ...env });
  }

  it('smtppolicy-lint passes a clean policy and fails an insecure one with the finding', async (t) => {
    const config = await configure();
    const clean = await preCommit(t, config, 'smtppolicy-lint', ['clean.smtppolicy', 'notes.txt']);
    if (!clean) return;
    assert.equal(clean.status, 0, clean.output);
    assert.match(clean.output, /^smtppolicy lint\.+Passed$/m);
    const insecure = (await preCommit(t, config, 'smtppolicy-lint', ['insecure.smtppolicy']))!;
    assert.equal(insecure.status, 1, insecure.output);
    assert.match(insecure.output, /^smtppolicy lint\.+Failed$/m);
    assert.match(insecure.output, /insecure\.smtppolicy:6:11 error any client in 0\.0\.0\.0\/0 .* may relay without authenticating.*open-relay/);
    // Only *.smtppolicy files reach the hook.
    const other = (await preCommit(t, config, 'smtppolicy-lint', ['notes.txt']))!;
    assert.match(other.output, /^smtppolicy lint\.+\(no files to check\)Skipped$/m);
  });

  it('smtppolicy-fmt checks the format, and formats the files with args [--write]', async (t) => {
    const config = await configure();
    const clean = await preCommit(t, config, 'smtppolicy-fmt', ['clean.smtppolicy', 'insecure.smtppolicy']);
    if (!clean) return;
    assert.equal(clean.status, 0, clean.output);
    const unformatted = (await preCommit(t, config, 'smtppolicy-fmt', ['unformatted.smtppolicy']))!;
    assert.equal(unformatted.status, 1, unformatted.output);
    assert.match(unformatted.output, /^smtppolicy fmt\.+Failed$/m);
    assert.match(unformatted.output, /unformatted\.smtppolicy/);
    assert.equal(await readFile(join(scratch, 'unformatted.smtppolicy'), 'utf8'), UNFORMATTED, '--check changes nothing');

    const writing = await configure([{ id: 'smtppolicy-fmt', args: ['--write'] }]);
    const fixed = (await preCommit(t, writing, 'smtppolicy-fmt', ['unformatted.smtppolicy']))!;
    assert.equal(fixed.status, 1, 'pre-commit fails a hook that changed files');
    assert.match(fixed.output, /files were modified by this hook/);
    const formatted = await readFile(join(scratch, 'unformatted.smtppolicy'), 'utf8');
    assert.match(formatted, /^server mx \{\n {2}listen 0\.0\.0\.0:2525\n/);
    assert.equal((await preCommit(t, config, 'smtppolicy-fmt', ['unformatted.smtppolicy']))!.status, 0);
    await writeFile(join(scratch, 'unformatted.smtppolicy'), UNFORMATTED);
  });

  it('the -system hooks run the project devDependency, offline', async (t) => {
    // The scratch repository depends on smtppolicy as npm would install it.
    await mkdir(join(scratch, 'node_modules', '.bin'), { recursive: true });
    await writeFile(join(scratch, 'package.json'), JSON.stringify({ name: 'mail-policies', private: true, devDependencies: { smtppolicy: '*' } }));
    await symlink(REPO_ROOT, join(scratch, 'node_modules', 'smtppolicy'));
    await symlink('../smtppolicy/dist/bin/smtppolicy.js', join(scratch, 'node_modules', '.bin', 'smtppolicy'));
    const config = await configure([{ id: 'smtppolicy-lint-system' }, { id: 'smtppolicy-fmt-system' }]);
    const offline = { npm_config_offline: 'true' };
    const clean = await preCommit(t, config, 'smtppolicy-lint-system', ['clean.smtppolicy'], offline);
    if (!clean) return;
    assert.equal(clean.status, 0, clean.output);
    const insecure = (await preCommit(t, config, 'smtppolicy-lint-system', ['insecure.smtppolicy'], offline))!;
    assert.equal(insecure.status, 1, insecure.output);
    assert.match(insecure.output, /insecure\.smtppolicy:6:11 error .*open-relay/);
    const unformatted = (await preCommit(t, config, 'smtppolicy-fmt-system', ['unformatted.smtppolicy'], offline))!;
    assert.equal(unformatted.status, 1, unformatted.output);
    assert.match(unformatted.output, /unformatted\.smtppolicy/);
  });
});
