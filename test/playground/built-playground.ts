// The playground as `npm run build:playground` builds it, into a temporary folder per test
// file (tests never share dist/ with a build the lead or another test is running).
import type { TestContext } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPlayground, type BuiltPlayground } from '../../playground/build.js';

export async function builtPlayground(t: TestContext | { after(fn: () => void): void }): Promise<BuiltPlayground & { dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'smtppolicy-playground-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return { ...(await buildPlayground(join(dir, 'playground'))), dir };
}
