// The published command, as a user runs it: dist/bin/smtppolicy.js (bundled by
// scripts/bundle-cli.mjs). Benchmarks that start whole `smtppolicy` processes (cold start,
// end to end) rebuild it first when it is missing or older than the sources, so that the
// figure is today's code.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const REPO_ROOT = join(import.meta.dirname, '..');
export const CLI = join(REPO_ROOT, JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).bin.smtppolicy as string);
const SOURCE_DIRS = ['grammar', 'compiler', 'runtime', 'lsp', 'format', 'cli'];

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts') || entry.name.endsWith('.json')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds dist/ when it is missing or older than the sources. */
export async function ensureBuilt(): Promise<void> {
  const built = existsSync(CLI) ? statSync(CLI).mtimeMs : 0;
  if (built >= Math.max(...SOURCE_DIRS.map((d) => newestSource(join(REPO_ROOT, d))))) return;
  process.stderr.write('  dist/ is missing or older than the sources: npm run build…\n');
  await run('npm', ['run', 'build'], { cwd: REPO_ROOT, timeout: 600_000 });
}
