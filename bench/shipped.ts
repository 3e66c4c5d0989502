// The compiler as it ships, for the benchmarks that time it. `npm run bench` runs under tsx,
// whose on-the-fly transform keeps function names by wrapping every closure in a helper
// call; the published build (tsc) has no such wrapper, and chevrotain's parsing DSL creates
// closures for every token. So the timed code is bundled once with esbuild (a dev
// dependency) to plain JavaScript, as tsc would emit it, and imported from there.

import { build } from 'esbuild';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = join(import.meta.dirname, '..');
const outDir = join(root, 'node_modules', '.cache', 'smtppolicy-bench');

/** Bundles `entry` (relative to the repository root) and returns the path of the bundle. */
export async function bundleShipped(entry: string): Promise<string> {
  await mkdir(outDir, { recursive: true });
  const outfile = join(outDir, `${entry.replace(/[\\/]/g, '_').replace(/\.ts$/, '')}.mjs`);
  // Dependencies stay external, as they are when the package is installed.
  await build({ entryPoints: [join(root, entry)], outfile, bundle: true, platform: 'node', format: 'esm', packages: 'external', logLevel: 'error' });
  return outfile;
}

export async function importShipped<T>(entry: string): Promise<T> {
  return (await import(pathToFileURL(await bundleShipped(entry)).href)) as T;
}
