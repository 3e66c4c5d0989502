#!/usr/bin/env node
// Bundles the `smtppolicy` command into dist/bin/ with esbuild, after tsc has built dist/.
//
// Why: started from the tsc output, every `lint` first loads chevrotain's lodash-es as about
// 640 separate modules, which is most of a cold start (BENCHMARKS.md). One bundle, split into
// a chunk per command (commands are imported lazily by cli/main.ts), starts in well under
// half the time. prettier stays external: it loads its own plugins from disk at run time.
// Node's `require` is provided to the ESM bundle for the CommonJS packages inside it
// (smtp-server, nodemailer).
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Built for the oldest Node that package.json's engines field admits, and for no older one.
const engines = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).engines?.node ?? '';
const floor = /^>=(\d+)$/.exec(engines)?.[1];
if (!floor) throw new Error(`package.json engines.node must read '>=MAJOR' (the oldest supported Node), not '${engines}'`);
// chunk names carry a content hash: without this, every rebuild would leave the last one's behind
rmSync(join(root, 'dist/bin'), { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: { smtppolicy: 'cli/main.ts' },
  outdir: 'dist/bin',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: `node${floor}`,
  sourcemap: true,
  external: ['prettier', 'prettier/*'],
  banner: { js: "import { createRequire as __smtppolicyRequire } from 'node:module'; const require = __smtppolicyRequire(import.meta.url);" },
  logLevel: 'warning',
});
