// Finding the policy files a command was pointed at: files as named, directories searched
// for *.smtppolicy. A path that does not exist, or a directory without a policy, is a
// usage error (exit 2), not a finding: a CI job that checks nothing must not pass (ESLint
// refuses such a run the same way).

import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { UsageError } from './command.js';

export const POLICY_EXTENSION = '.smtppolicy';

export async function expandPolicyPaths(paths: string[], cwd: string): Promise<string[]> {
  const found: string[] = [];
  for (const path of paths) {
    let info;
    try {
      info = await stat(resolve(cwd, path));
    } catch {
      // the shell leaves a pattern that matched nothing as it was written
      if (/[*?[\]{}]/.test(path)) throw new UsageError(`no files match the pattern '${path}'`);
      throw new UsageError(`no such file or directory: ${path}`);
    }
    if (!info.isDirectory()) {
      found.push(path);
      continue;
    }
    const policies = await findPolicies(path, cwd);
    if (policies.length === 0) throw new UsageError(`no ${POLICY_EXTENSION} files in the directory ${path}`);
    found.push(...policies);
  }
  return [...new Set(found)];
}

async function findPolicies(dir: string, cwd: string): Promise<string[]> {
  const entries = await readdir(resolve(cwd, dir), { withFileTypes: true });
  const found: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await findPolicies(path, cwd)));
    else if (entry.name.endsWith(POLICY_EXTENSION)) found.push(path);
  }
  return found;
}
