// A copy of this checkout as a fresh clone would have it: the tracked files and the new
// ones not ignored, as they are now in the work tree (so uncommitted edits are tested
// too), without node_modules/ or dist/. For tests of what installs or builds the
// repository from its source (the GitHub Action's `version: checkout`, pre-commit hooks).

import { execFileSync } from 'node:child_process';
import { cp } from 'node:fs/promises';
import { join } from 'node:path';

export const REPO_ROOT = join(import.meta.dirname, '..', '..');

export async function snapshotCheckout(destination: string): Promise<void> {
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPO_ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const file of files) {
    try {
      await cp(join(REPO_ROOT, file), join(destination, file), { recursive: true, verbatimSymlinks: true });
    } catch (error) {
      // A file deleted in the work tree but not yet in the index: a clone would not have it either.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}
