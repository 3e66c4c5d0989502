// Shared by the formatter tests: formatting through prettier's own API with the plugin
// (from source), and the policy files every stability test runs over.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { format, type Options } from 'prettier';
import plugin from '../../format/index.js';

export const REPO_ROOT = join(import.meta.dirname, '..', '..');
export const CASES_DIR = join(import.meta.dirname, 'cases');

export function formatText(text: string, options: Omit<Options, 'parser' | 'plugins'> = {}): Promise<string> {
  return format(text, { ...options, parser: 'smtppolicy', plugins: [plugin] });
}

function policiesUnder(dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...policiesUnder(path));
    else if (name.endsWith('.smtppolicy')) found.push(path);
  }
  return found;
}

export function caseNames(): string[] {
  return readdirSync(CASES_DIR)
    .filter((name) => statSync(join(CASES_DIR, name)).isDirectory())
    .sort();
}

export function readCase(name: string): { input: string; output: string } {
  return {
    input: readFileSync(join(CASES_DIR, name, 'input.smtppolicy'), 'utf8'),
    output: readFileSync(join(CASES_DIR, name, 'output.smtppolicy'), 'utf8'),
  };
}

/** Every example policy and every test input: what formatting must leave stable. */
export function stabilityCorpus(): Array<{ name: string; text: string }> {
  const examples = policiesUnder(join(REPO_ROOT, 'examples'));
  const inputs = caseNames().map((name) => join(CASES_DIR, name, 'input.smtppolicy'));
  return [...examples, ...inputs].map((path) => ({ name: relative(REPO_ROOT, path), text: readFileSync(path, 'utf8') }));
}
