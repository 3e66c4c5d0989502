#!/usr/bin/env node
// Bundles the extension client (CommonJS, as VS Code loads extensions) and the language
// server (ESM, run by VS Code's Node) into dist/, so the .vsix carries no node_modules.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleTarget } from './vscode-node.mjs';

const extensionDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = join(extensionDir, '..', '..');

// The compiler imports the generated config validator; make sure it exists.
if (!existsSync(join(repoRoot, 'runtime', 'config', 'validate.generated.js'))) {
  const result = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'build-validator.mjs')], { cwd: repoRoot, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

// Built for the Node of the oldest VS Code the manifest admits (fails for an unknown one).
const manifest = JSON.parse(readFileSync(join(extensionDir, 'package.json'), 'utf8'));
const target = bundleTarget(manifest);

rmSync(join(extensionDir, 'dist'), { recursive: true, force: true });
const common = { bundle: true, platform: 'node', target, sourcemap: true, logLevel: 'warning', legalComments: 'none' };
await build({
  ...common,
  entryPoints: [join(extensionDir, 'src', 'extension.ts')],
  outfile: join(extensionDir, 'dist', 'extension.cjs'),
  format: 'cjs',
  external: ['vscode'],
});
await build({
  ...common,
  entryPoints: [join(extensionDir, 'src', 'server.ts')],
  outfile: join(extensionDir, 'dist', 'server.mjs'),
  format: 'esm',
  // Bundled CommonJS dependencies (vscode-languageserver) call require(): give them one.
  banner: { js: "import { createRequire as __smtppolicyCreateRequire } from 'node:module'; const require = __smtppolicyCreateRequire(import.meta.url);" },
});
console.log(`bundled ${join('editors', 'vscode', 'dist')}/extension.cjs and server.mjs for ${target} (VS Code ${manifest.engines.vscode})`);
