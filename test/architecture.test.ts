// The dependency direction of the house plan, checked: grammar ← compiler ← {lsp, format,
// cli}, and the runtime runs from JSON alone, so it never imports the language.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';

const ROOT = join(import.meta.dirname, '..');

/** Top-level folders each folder may import from (itself always allowed). */
const ALLOWED: Record<string, string[]> = {
  grammar: [],
  runtime: [],
  compiler: ['grammar', 'runtime'],
  format: ['grammar'],
  lsp: ['grammar', 'compiler', 'runtime', 'format'],
  cli: ['grammar', 'compiler', 'runtime', 'format', 'lsp'],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

describe('architecture', () => {
  for (const [folder, allowed] of Object.entries(ALLOWED)) {
    it(`${folder}/ imports only from ${allowed.length ? allowed.join(', ') : 'itself'} (and packages)`, () => {
      const violations: string[] = [];
      for (const file of sourceFiles(join(ROOT, folder))) {
        const text = readFileSync(file, 'utf8');
        for (const match of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
          const target = relative(ROOT, resolve(dirname(file), match[1]!)).split('/')[0]!;
          if (target !== folder && !allowed.includes(target)) violations.push(`${relative(ROOT, file)} imports ${match[1]}`);
        }
      }
      assert.deepEqual(violations, []);
    });
  }
});
