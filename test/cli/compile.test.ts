import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { validateRuntimeConfig } from '../../runtime/config/index.js';
import { runCli, spawnCli } from './run-cli.js';

const EXAMPLES = ['quickstart', 'submission-server', 'internal-challenge-response', 'domain-connection-control', 'partner-relay'];

describe('smtppolicy compile', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'smtppolicy-compile-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  for (const name of EXAMPLES) {
    it(`compiles examples/${name}.smtppolicy to a config that satisfies the schema`, async () => {
      const result = await runCli(['compile', `examples/${name}.smtppolicy`]);
      assert.equal(result.code, 0, result.stderr);
      validateRuntimeConfig(JSON.parse(result.stdout));
    });
  }

  it('gives byte-identical output for the same input', async () => {
    const first = await spawnCli(['compile', 'examples/quickstart.smtppolicy']);
    const second = await spawnCli(['compile', 'examples/quickstart.smtppolicy']);
    assert.equal(first.code, 0);
    assert.equal(first.stdout, second.stdout);
  });

  it('writes paths and sources relative to the output file with -o', async () => {
    await writeFile(join(dir, 'policy.smtppolicy'), 'server mx {\n  listen 127.0.0.1:2525\n  hostname mx.example.com\n}\n');
    const result = await runCli(['compile', 'policy.smtppolicy', '-o', 'out/config.json'], { cwd: dir });
    assert.equal(result.code, 2, 'the output directory does not exist yet');
    assert.match(result.stderr, /^smtppolicy compile: cannot write out\/config\.json/);

    const ok = await runCli(['compile', 'policy.smtppolicy', '-o', 'config.json'], { cwd: dir });
    assert.equal(ok.code, 0, ok.stderr);
    const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'));
    assert.deepEqual(config.sources, ['policy.smtppolicy']);
    assert.equal(config.servers[0].source, 'policy.smtppolicy:1:1');
    assert.equal(config.storage.spool, 'var/spool');
  });

  it('refuses to write a config for a policy with errors (exit 1, diagnostics on stderr)', async () => {
    await writeFile(join(dir, 'bad.smtppolicy'), 'server mx {\n  listen 127.0.0.1:2525\n  connections only { @missing }\n}\n');
    const result = await runCli(['compile', 'bad.smtppolicy', '-o', 'bad.json'], { cwd: dir });
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /bad\.smtppolicy:1:1 error server 'mx' has no hostname/);
    assert.match(result.stderr, /bad\.smtppolicy:3:23 error unknown list '@missing'/);
    await assert.rejects(readFile(join(dir, 'bad.json')), { code: 'ENOENT' });
  });

  it('refuses a file without servers: an include file is not a policy to run', async () => {
    await writeFile(join(dir, 'shared.smtppolicy'), 'list offices { 10.0.0.0/8 }\n');
    const result = await runCli(['compile', 'shared.smtppolicy'], { cwd: dir });
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.equal(result.stderr, 'smtppolicy compile: shared.smtppolicy declares no server: nothing to run (is it an include file?)\n');
  });
});
