// The CI snippets of the README's "Use in CI" section, parsed, so tests run what users copy.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export const REPO_ROOT = join(import.meta.dirname, '..', '..');

/** The first ```yaml block under the README heading `### <heading>`, parsed. */
export function readmeYaml(heading: string): unknown {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf(`\n### ${heading}\n`);
  if (start < 0) throw new Error(`README has no section '### ${heading}'`);
  const block = /```yaml\n([\s\S]*?)```/.exec(readme.slice(start));
  if (!block) throw new Error(`README section '${heading}' has no yaml block`);
  return parse(block[1]!);
}

export function packageVersion(): string {
  return JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).version;
}
