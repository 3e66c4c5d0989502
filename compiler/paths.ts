// Path spelling in one place, because determinism depends on it: the same policy compiled
// from the same place must give byte-identical JSON on any machine, so nothing absolute
// or platform-specific leaks into output unless the user wrote it.

import { isAbsolute, relative, sep } from 'node:path';

/** Forward slashes whatever the platform, so output does not change between machines. */
export function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

/** How a file is named to the user: relative to `cwd` when inside it, else absolute. */
export function displayPath(absolutePath: string, cwd: string): string {
  const rel = relative(cwd, absolutePath);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return toPosix(absolutePath);
  return toPosix(rel);
}

/** A path as the runtime config spells it: relative to the config's base directory when inside it. */
export function configPath(absolutePath: string, baseDir: string): string {
  const rel = relative(baseDir, absolutePath);
  if (rel === '') return '.';
  if (isAbsolute(rel)) return toPosix(absolutePath);
  return toPosix(rel);
}
