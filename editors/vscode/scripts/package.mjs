#!/usr/bin/env node
// `npm run package:vscode`: bundle, then pack editors/vscode into a self-contained .vsix.
// Usage: node editors/vscode/scripts/package.mjs [--out <file.vsix>]
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const extensionDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const manifest = JSON.parse(readFileSync(join(extensionDir, 'package.json'), 'utf8'));
const outIndex = process.argv.indexOf('--out');
const out = outIndex > 0 && process.argv[outIndex + 1] ? resolve(process.argv[outIndex + 1]) : join(extensionDir, `${manifest.name}-${manifest.version}.vsix`);

function run(args, cwd) {
  const result = spawnSync(process.execPath, args, { cwd, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`package:vscode: '${args.join(' ')}' failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status ?? 1);
  }
}

const require = createRequire(import.meta.url);
// Type-check the client and everything the server bundle pulls in: esbuild only strips types.
run([require.resolve('typescript/bin/tsc'), '--noEmit', '-p', join(extensionDir, 'tsconfig.json')], extensionDir);
run([join(extensionDir, 'scripts', 'build.mjs')], extensionDir);
const vsce = require.resolve('@vscode/vsce/vsce');
// Dependencies are bundled, so vsce must not look for (or pack) node_modules.
run([vsce, 'package', '--no-dependencies', '--out', out], extensionDir);
console.log(`package:vscode: wrote ${out}`);
