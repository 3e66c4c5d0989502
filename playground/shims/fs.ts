// node:fs and node:fs/promises for the playground bundle (see README.md): the browser has no
// files, so every open fails as a missing file does on Node, with code ENOENT, and the
// compiler reports it at the line that names the file.

import { noSuchFile } from '../in-memory-policy.js';

// regular-file.ts builds its open flags from these when it is loaded
export const constants = { O_RDONLY: 0, O_NONBLOCK: 0 };

function missing(path: unknown): never {
  throw noSuchFile(String(path));
}

export const openSync = missing;
export const readFileSync = missing;
export const statSync = missing;
export const existsSync = (): boolean => false;
export function fstatSync(): never {
  throw new Error('fstatSync: the playground opens no files');
}
export const readSync = fstatSync;
export const closeSync = fstatSync;

export async function open(path: unknown): Promise<never> {
  return missing(path);
}
export const readFile = open;
export const stat = open;
export const promises = { open, readFile, stat };
