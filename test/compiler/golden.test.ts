// Runs every test/compiler/golden/*.smtppolicytest: compiles the policy in a temporary
// directory and compares the runtime config JSON (byte for byte) or the diagnostics.
// Lint rules are off: they have their own tests, and goldens pin what the language itself
// means (an explicit open relay must still compile to exactly what it says).
// UPDATE_GOLDEN=1 rewrites the expectations from the current output: review the diff.

import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { checkPolicy, emitConfig, hasErrors } from '../../compiler/index.js';
import { validateRuntimeConfig } from '../../runtime/config/index.js';
import { parseGolden, printGolden } from './golden-file.js';

const GOLDEN_DIR = join(import.meta.dirname, 'golden');
const update = process.env.UPDATE_GOLDEN === '1';

async function compileGolden(files: { name: string; text: string }[]) {
  const dir = await mkdtemp(join(tmpdir(), 'smtppolicy-golden-'));
  try {
    for (const file of files) await writeFile(join(dir, file.name), file.text);
    return await checkPolicy(files[0]!.name, { cwd: dir, baseDir: dir, lint: false });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('golden compile cases', async () => {
  const names = (await readdir(GOLDEN_DIR)).filter((n) => n.endsWith('.smtppolicytest')).sort();
  assert.ok(names.length > 0, 'no golden cases found');
  for (const name of names) {
    it(name, async () => {
      const path = join(GOLDEN_DIR, name);
      const golden = parseGolden(await readFile(path, 'utf8'), path);
      const { model, diagnostics } = await compileGolden(golden.files);
      const actual =
        golden.expect.kind === 'config' && !hasErrors(diagnostics)
          ? emitConfig(model.config).trim()
          : diagnostics.map((d) => `${d.file}:${d.range.start.line}:${d.range.start.column} ${d.severity} ${d.message}`).join('\n');
      if (update) {
        await writeFile(path, printGolden({ ...golden, expect: { kind: golden.expect.kind, text: actual } }));
        return;
      }
      if (golden.expect.kind === 'config') {
        assert.equal(hasErrors(diagnostics), false, `unexpected errors:\n${actual}`);
        // Every emitted config must satisfy the published schema.
        validateRuntimeConfig(JSON.parse(actual));
      }
      assert.equal(actual, golden.expect.text);
    });
  }
});
