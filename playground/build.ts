// Builds the playground: a static page (index.html, page.js, worker.js, the stylesheet)
// that needs no server of ours. esbuild bundles CodeMirror into the page and the compiler
// into the worker, with the Node built-ins the compiler imports mapped to shims/ (their
// README says why each is enough); any other `node:` import fails the build.

import { build, type Metafile, type Plugin } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { keywordInfo, ROWS } from '../grammar/index.js';

const HERE = dirname(fileURLToPath(import.meta.url));
export const ROOT = join(HERE, '..');

const SHIMS: Record<string, string> = {
  'node:path': 'path.ts',
  'node:fs': 'fs.ts',
  'node:fs/promises': 'fs.ts',
  'node:crypto': 'unavailable.ts',
  'node:dns': 'unavailable.ts',
  'node:net': 'unavailable.ts',
};

/** Maps the shimmed built-ins, refuses the rest (with or without the `node:` prefix). */
export const nodeBuiltins: Plugin = {
  name: 'node-builtins',
  setup(plugin) {
    plugin.onResolve({ filter: /^node:/ }, (args) => {
      const shim = SHIMS[args.path];
      if (shim !== undefined) return { path: join(HERE, 'shims', shim) };
      return { errors: [{ text: `${args.path} (imported by ${args.importer}) has no browser shim in playground/shims/: add one, or keep the import out of the page` }] };
    });
  },
};

/** The grammar's keyword table as highlight.ts needs it: keyword → declaration | setting | constant. */
function keywordHighlights(): Record<string, string> {
  return Object.fromEntries(ROWS.map((row) => [row.text, keywordInfo(row.text)!.highlight]));
}

export interface BuiltPlayground {
  outdir: string;
  /** The files written, relative to outdir. */
  files: string[];
  metafile: Metafile;
}

/** The static files the page is made of, copied as they are. */
const STATIC_FILES = ['index.html', 'page.css'];

export async function buildPlayground(outdir: string, options: { minify?: boolean } = {}): Promise<BuiltPlayground> {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: { page: 'playground/page.ts', worker: 'playground/worker.ts' },
    outdir,
    bundle: true,
    platform: 'browser',
    format: 'esm',
    // the browsers CodeMirror 6 supports; the page uses module workers
    target: ['chrome105', 'firefox114', 'safari16'],
    minify: options.minify ?? true,
    sourcemap: false,
    metafile: true,
    plugins: [nodeBuiltins],
    // Some dependencies read process.env.NODE_ENV to drop their development checks.
    define: { 'process.env.NODE_ENV': '"production"', SMTPPOLICY_KEYWORDS: JSON.stringify(keywordHighlights()) },
    logLevel: 'warning',
  });
  for (const file of STATIC_FILES) copyFileSync(join(HERE, file), join(outdir, file));
  return { outdir, files: [...STATIC_FILES, 'page.js', 'worker.js'], metafile: result.metafile };
}
