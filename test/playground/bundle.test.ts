import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { nodeBuiltins } from '../../playground/build.js';
import { builtPlayground } from './built-playground.js';

// Issue 24: the page a visitor downloads (HTML, stylesheet, page and worker scripts) is under
// 600 KB gzipped, and holds no Node built-in: each is mapped to a shim on purpose.
const LIMIT_GZIPPED = 600 * 1024;

test('the built page is under 600 KB gzipped and imports no Node built-in', async (t) => {
  const built = await builtPlayground(t);
  const sizes = built.files.map((file) => ({ file, gzipped: gzipSync(readFileSync(join(built.outdir, file)), { level: 9 }).length }));
  const total = sizes.reduce((sum, s) => sum + s.gzipped, 0);
  t.diagnostic(`gzipped: ${sizes.map((s) => `${s.file} ${s.gzipped}`).join(', ')}; total ${total} bytes`);
  assert.ok(total < LIMIT_GZIPPED, `the playground is ${total} bytes gzipped, over ${LIMIT_GZIPPED}`);
  for (const file of ['page.js', 'worker.js']) {
    const code = readFileSync(join(built.outdir, file), 'utf8');
    assert.doesNotMatch(code, /(?:from|import|require)\s*\(?\s*["']node:/, `${file} still imports a node: module`);
  }
  const inputs = Object.keys(built.metafile.inputs);
  assert.ok(inputs.some((input) => input.endsWith('playground/shims/path.ts')), 'the compiler reaches node:path through its shim');
  // The compiler loads in the worker only: the page script (the editor) stays light, so the
  // page is usable while the worker starts.
  const inputsOf = (name: string) => Object.entries(built.metafile.outputs).find(([path]) => path.endsWith(`/${name}`))?.[1].inputs ?? {};
  assert.ok(Object.keys(inputsOf('worker.js')).some((input) => input.endsWith('compiler/check.ts')), 'the worker holds the real compiler');
  assert.deepEqual(Object.keys(inputsOf('page.js')).filter((input) => /^(?:compiler|grammar|runtime|review)\//.test(input)), []);
  assert.ok(Object.keys(inputsOf('page.js')).some((input) => input.includes('@codemirror/view')), 'the page holds the editor');
});

test('the build refuses a Node built-in that has no shim, naming it and who imports it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'smtppolicy-playground-shim-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'entry.ts'), "import { hostname } from 'node:os';\nconsole.log(hostname());\n");
  await assert.rejects(
    build({ entryPoints: [join(dir, 'entry.ts')], bundle: true, write: false, platform: 'browser', plugins: [nodeBuiltins], logLevel: 'silent' }),
    (error: Error) => /node:os \(imported by .*entry\.ts\) has no browser shim in playground\/shims\//.test(error.message),
  );
});
