// ESLint-style table tests for lint rules: each policy text runs through the whole front
// (parse, resolve, lint) in a temporary directory, so rules that read certificates or
// password files see real files; then only the rule under test's findings are compared,
// with exact ranges, and fixes are applied and compared with the expected text.

import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import type { Diagnostic } from '../../../grammar/diagnostic.js';
import { checkPolicy, type CheckOptions } from '../../../compiler/check.js';
import { applyFixes } from '../../../compiler/lint/fixes.js';

export const ENTRY = 'policy.smtppolicy';

export interface LintRun {
  diagnostics: Diagnostic[];
  dir: string;
}

/** Lints `text` as `policy.smtppolicy` in a fresh directory holding `files` too; `prepare` may add more. */
export async function lintText(
  text: string,
  options: { files?: Record<string, string | Buffer>; now?: Date; prepare?: (dir: string) => Promise<void>; online?: CheckOptions['online'] } = {},
): Promise<Diagnostic[]> {
  const dir = await mkdtemp(join(tmpdir(), 'smtppolicy-rule-'));
  try {
    await writeFile(join(dir, ENTRY), text);
    for (const [name, content] of Object.entries(options.files ?? {})) {
      await mkdir(dirname(join(dir, name)), { recursive: true });
      await writeFile(join(dir, name), content);
    }
    await options.prepare?.(dir);
    const { diagnostics } = await checkPolicy(ENTRY, { cwd: dir, lint: options.now ? { now: options.now } : {}, ...(options.online ? { online: options.online } : {}) });
    return diagnostics;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface ExpectedFinding {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  message?: RegExp;
}

export interface InvalidCase {
  name: string;
  code: string;
  findings: ExpectedFinding[];
  /** The text after applying this rule's fixes; omit when the rule offers none here. */
  output?: string;
  files?: Record<string, string | Buffer>;
  prepare?: (dir: string) => Promise<void>;
  now?: Date;
}

export interface ValidCase {
  name: string;
  code: string;
  files?: Record<string, string | Buffer>;
  prepare?: (dir: string) => Promise<void>;
  now?: Date;
}

export function ruleTests(ruleId: string, cases: { valid: ValidCase[]; invalid: InvalidCase[] }): void {
  describe(`rule ${ruleId}`, () => {
    for (const c of cases.valid) {
      it(`valid: ${c.name}`, async () => {
        const all = await lintText(c.code, c);
        assert.deepEqual(all.filter((d) => d.ruleId === 'syntax' || d.ruleId === 'semantic'), [], 'test policy must be valid text');
        assert.deepEqual(all.filter((d) => d.ruleId === ruleId).map(show), []);
      });
    }
    for (const c of cases.invalid) {
      it(`invalid: ${c.name}`, async () => {
        const all = await lintText(c.code, c);
        assert.deepEqual(all.filter((d) => d.ruleId === 'syntax' || d.ruleId === 'semantic'), [], 'test policy must be valid text');
        const found = all.filter((d) => d.ruleId === ruleId);
        assert.deepEqual(
          found.map((d) => ({ line: d.range.start.line, column: d.range.start.column, endLine: d.range.end.line, endColumn: d.range.end.column })),
          c.findings.map(({ line, column, endLine, endColumn }) => ({ line, column, endLine, endColumn })),
          found.map(show).join('\n'),
        );
        c.findings.forEach((f, i) => {
          if (f.message) assert.match(found[i]!.message, f.message);
        });
        const fixed = applyFixes(c.code, found).text;
        assert.equal(fixed, c.output ?? c.code, c.output === undefined ? 'no fix expected' : 'fixed text');
      });
    }
  });
}

function show(d: Diagnostic): string {
  return `${d.range.start.line}:${d.range.start.column}-${d.range.end.line}:${d.range.end.column} ${d.ruleId} ${d.message}`;
}

/** A server block with the usual settings; `body` is inserted inside it. */
export function server(body: string, name = 'mail'): string {
  return `server ${name} {\n  hostname mail.example.test\n${body}\n}\n`;
}
