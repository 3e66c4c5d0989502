// Builds the prettier plugin (format/ and what it imports) into the repository's dist/, as
// `npm run build` would, so tests can load it the way users do: as smtppolicy/prettier.

import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './format-helpers.js';

export const PLUGIN_ENTRY = join(REPO_ROOT, 'dist', 'format', 'index.js');

// The compiler options of tsconfig.json that matter for emitted code; only the plugin's
// import graph is compiled, not the whole project.
const TSC_FLAGS = [
  '--outDir', 'dist', '--rootDir', '.',
  '--module', 'NodeNext', '--moduleResolution', 'NodeNext', '--target', 'ES2022', '--lib', 'ES2023',
  '--strict', '--skipLibCheck', '--esModuleInterop', '--resolveJsonModule', '--verbatimModuleSyntax',
  '--isolatedModules', '--sourceMap', '--types', 'node',
];

export function buildPlugin(): void {
  const startedAt = Date.now();
  const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, ...TSC_FLAGS, 'format/index.ts'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 150_000,
  });
  // tsc exits 2 when it emitted despite type errors elsewhere (the typecheck reports those);
  // anything else, or no fresh output, is a failed build.
  const emitted = existsSync(PLUGIN_ENTRY) && statSync(PLUGIN_ENTRY).mtimeMs >= startedAt - 1000;
  if ((result.status !== 0 && result.status !== 2) || !emitted) {
    throw new Error(`building the plugin failed (exit ${result.status}):\n${result.stdout}${result.stderr}${result.error ?? ''}`);
  }
}
