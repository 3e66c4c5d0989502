// Finding the policy files a command was pointed at: files as named, directories searched
// for *.smtppolicy. A path that does not exist is a usage error (exit 2), not a finding.

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
      throw new UsageError(`no such file or directory: ${path}`);
    }
    if (info.isDirectory()) found.push(...(await findPolicies(path, cwd)));
    else found.push(path);
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
