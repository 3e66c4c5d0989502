// The dependency direction of the house plan, checked: net ← grammar ← compiler ← {lsp,
// format, cli}, and the runtime runs from JSON alone, so it never imports the language.
// net/ is the one address module: every layer may import it, and no other file parses
// addresses with a library of its own. verify/ is a client of any server: it knows the
// policy's meaning (runtime/policy and the config types it reads) and asks reverse DNS the
// way the server does (runtime/dns), but nothing of the language or of the server itself.
// review/ (diff and graph) reads compiled policies: the compiler's and the runtime's front
// doors only, like the other front ends.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';

const ROOT = join(import.meta.dirname, '..');

/** Folders (or sub-folders) each top-level folder may import from (itself always allowed). */
const ALLOWED: Record<string, string[]> = {
  net: [],
  grammar: ['net'],
  runtime: ['net'],
  compiler: ['net', 'grammar', 'runtime'],
  format: ['net', 'grammar'],
  verify: ['net', 'runtime/policy', 'runtime/config', 'runtime/dns'],
  // Other MTAs' configurations are written from the runtime config alone, like the server runs from it.
  targets: ['net', 'runtime/config'],
  // Other MTAs' configurations are read into policy text, by nothing but their own files.
  import: ['net'],
  lsp: ['net', 'grammar', 'compiler', 'runtime', 'format'],
  review: ['net', 'grammar', 'compiler', 'runtime'],
  cli: ['net', 'grammar', 'compiler', 'runtime', 'format', 'lsp', 'verify', 'targets', 'import', 'review'],
  // the browser page: the compiler, runtime/policy's decisions and review's graph, as the CLI uses them
  playground: ['net', 'grammar', 'compiler', 'runtime', 'review'],
};

/**
 * The front doors of each layer for cli/, lsp/ and format/: a layer's insides can change
 * without touching its users. net/ is small and flat, so every file of it is a door.
 */
const FRONT_DOORS: Array<[layer: string, doors: RegExp]> = [
  ['compiler', /^compiler\/index\.ts$/],
  ['grammar', /^grammar\/index\.ts$/],
  ['runtime', /^runtime\/\w+\/index\.ts$/],
  ['verify', /^verify\/index\.ts$/],
  ['targets', /^targets\/index\.ts$/],
  ['import', /^import\/index\.ts$/],
  ['review', /^review\/index\.ts$/],
  ['format', /^format\/(?:index|format)\.ts$/],
  ['lsp', /^lsp\/(?:server|format-worker)\.ts$/],
];
const FRONT_ENDS = ['cli', 'lsp', 'format', 'review', 'playground'];

/** Address libraries: only net/ may use one, so that every layer reads addresses one way. */
const ADDRESS_LIBRARIES = ['ipaddr.js', 'ip-address', 'netmask', 'ip-cidr', 'cidr-tools', 'is-ip'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** Every import specifier of a file, relative or package. */
function importsOf(text: string): string[] {
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map((match) => match[1]!);
}

describe('architecture', () => {
  for (const [folder, allowed] of Object.entries(ALLOWED)) {
    it(`${folder}/ imports only from ${allowed.length ? allowed.join(', ') : 'itself'} (and packages)`, () => {
      const violations: string[] = [];
      for (const file of sourceFiles(join(ROOT, folder))) {
        for (const specifier of importsOf(readFileSync(file, 'utf8'))) {
          if (!specifier.startsWith('.')) continue;
          const target = relative(ROOT, resolve(dirname(file), specifier));
          const inside = (dir: string) => target === dir || target.startsWith(`${dir}/`);
          if (!inside(folder) && !allowed.some(inside)) violations.push(`${relative(ROOT, file)} imports ${specifier}`);
        }
      }
      assert.deepEqual(violations, []);
    });
  }

  for (const folder of FRONT_ENDS) {
    it(`${folder}/ enters other layers only through their front doors`, () => {
      const violations: string[] = [];
      for (const file of sourceFiles(join(ROOT, folder))) {
        for (const specifier of importsOf(readFileSync(file, 'utf8'))) {
          if (!specifier.startsWith('.')) continue;
          const target = relative(ROOT, resolve(dirname(file), specifier)).replace(/\.js$/, '.ts');
          const layer = target.split('/')[0]!;
          const door = FRONT_DOORS.find(([name]) => name === layer && name !== folder);
          if (door && !door[1].test(target)) violations.push(`${relative(ROOT, file)} imports ${specifier}`);
        }
      }
      assert.deepEqual(violations, []);
    });
  }

  // The shared limits sit below the server: every session asks them, and an implementation
  // (in memory, through the cluster's primary, Redis) must not reach back into the session.
  it('runtime/state/ imports only runtime/config, runtime/auth and net/', () => {
    const violations: string[] = [];
    for (const file of sourceFiles(join(ROOT, 'runtime', 'state'))) {
      for (const specifier of importsOf(readFileSync(file, 'utf8'))) {
        if (!specifier.startsWith('.')) continue;
        const target = relative(ROOT, resolve(dirname(file), specifier));
        if (!['runtime/state/', 'runtime/config/', 'runtime/auth/', 'net/'].some((dir) => target.startsWith(dir))) violations.push(`${relative(ROOT, file)} imports ${specifier}`);
      }
    }
    assert.deepEqual(violations, []);
  });

  it('only net/ imports an address library', () => {
    const violations: string[] = [];
    for (const folder of Object.keys(ALLOWED).filter((f) => f !== 'net')) {
      for (const file of sourceFiles(join(ROOT, folder))) {
        for (const specifier of importsOf(readFileSync(file, 'utf8'))) {
          if (ADDRESS_LIBRARIES.includes(specifier)) violations.push(`${relative(ROOT, file)} imports ${specifier}`);
        }
      }
    }
    assert.deepEqual(violations, []);
  });
});
