// The checks every hardening input goes through: the whole pipeline (parse, checkPolicy with
// lint, emit, format) must not throw, must finish within a time bound, and must return
// diagnostics whose ranges lie inside the file they name with line and column consistent
// with the offset; formatting, where the text parses, is idempotent, keeps every comment,
// and compiles to the same runtime config.
import assert from 'node:assert/strict';
import { checkPolicy, hasErrors } from '../../../compiler/index.js';
import type { CheckResult } from '../../../compiler/index.js';
import { formatPolicy, PolicySyntaxError } from '../../../format/format.js';
import { parse } from '../../../grammar/index.js';
import type { Position, Range } from '../../../grammar/ast.js';
import type { Diagnostic } from '../../../grammar/diagnostic.js';
import { validateRuntimeConfig } from '../../../runtime/config/index.js';
import { positionsOf } from '../../helpers/positions.js';

export const ENTRY = '/virtual/policy/main.smtppolicy';


function assertRange(range: Range, text: string, at: (offset: number) => Position, what: string): void {
  const { start, end } = range;
  assert.ok(Number.isInteger(start.offset) && Number.isInteger(end.offset), `${what}: non-integer offsets ${JSON.stringify(range)}`);
  assert.ok(0 <= start.offset && start.offset <= end.offset && end.offset <= text.length, `${what}: range outside the text (${text.length}): ${JSON.stringify(range)}`);
  assert.deepEqual(start, at(start.offset), `${what}: start line/column disagree with the offset`);
  assert.deepEqual(end, at(end.offset), `${what}: end line/column disagree with the offset`);
}

/** Every diagnostic range (its own, related locations', fix edits') is valid in the file it names. */
export function assertDiagnosticsValid(result: CheckResult): void {
  const files = new Map(result.files.map((f) => [f.displayName, { text: f.text, at: positionsOf(f.text) }]));
  const check = (file: string, range: Range, what: string) => {
    const source = files.get(file);
    assert.ok(source, `${what}: names a file that was not loaded: ${file}`);
    assertRange(range, source.text, source.at, what);
  };
  for (const d of result.diagnostics) {
    const what = `${d.ruleId} "${d.message.slice(0, 120)}"`;
    assert.ok(d.message.length > 0, 'empty message');
    assert.ok(!/internal error/i.test(d.message), `an internal error surfaced: ${d.message.slice(0, 300)}`);
    assert.ok(['error', 'warning', 'info'].includes(d.severity), what);
    check(d.file, d.range, what);
    for (const related of d.related ?? []) check(related.file, related.range, `${what} (related)`);
    for (const edit of d.fix?.edits ?? []) check(d.file, edit.range, `${what} (fix)`);
  }
}

export type Files = Record<string, string>;

/** checkPolicy over in-memory files (paths relative to the entry's directory), lint on. */
export async function checkInMemory(files: Files): Promise<CheckResult> {
  const readText = async (path: string) => {
    const name = path.startsWith('/virtual/policy/') ? path.slice('/virtual/policy/'.length) : undefined;
    const text = name === undefined ? undefined : files[name];
    if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
    return text;
  };
  return checkPolicy(ENTRY, { cwd: '/virtual/policy', readText, lint: {} });
}

/** A deep copy without `source` fields (they move when formatting moves text). */
export function withoutSources(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSources);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([k]) => k !== 'source' && k !== 'sources').map(([k, v]) => [k, withoutSources(v)]));
  }
  return value;
}

const commentTexts = (text: string) => parse(text, 'x').ast.comments.map((c) => c.text);

export interface PipelineOutcome {
  result: CheckResult;
  formatted: string | null;
  ms: number;
}

/**
 * Runs one input through everything and asserts the invariants. `boundMs` bounds each
 * stage (check, format, re-check): a hang or a super-linear blow-up shows as a failure
 * naming the stage, not as a stuck test run.
 */
export async function runPipeline(text: string, boundMs: number, extraFiles: Files = {}, options: { recheck?: boolean; reformat?: boolean } = {}): Promise<PipelineOutcome> {
  const started = Date.now();
  const timed = async <T>(stage: string, work: () => Promise<T>): Promise<T> => {
    // CPU time, not wall time: every stage runs in this process on in-memory files, so a hang
    // or a super-linear blow-up burns CPU, while wall time on a shared machine mostly counts
    // the time other processes held the cores (a check of 4.5 s CPU took 65 s at load 30).
    // A stage stuck waiting without computing is left to the test's own timeout.
    const t0 = process.cpuUsage();
    const value = await work();
    const used = process.cpuUsage(t0);
    const ms = Math.round((used.user + used.system) / 1000);
    assert.ok(ms <= boundMs, `${stage} took ${ms} ms of CPU (bound ${boundMs} ms) on ${JSON.stringify(text.slice(0, 120))}…`);
    return value;
  };
  const result = await timed('checkPolicy', () => checkInMemory({ ...extraFiles, 'main.smtppolicy': text }));
  assertDiagnosticsValid(result);
  // (a policy without servers, such as a file of shared lists, compiles without errors to a
  // config the runtime refuses for having no server: that is left to `serve` to say)
  if (!hasErrors(result.diagnostics) && result.model.config.servers.length > 0) {
    assert.doesNotThrow(() => validateRuntimeConfig(JSON.parse(JSON.stringify(result.model.config))), 'an error-free policy emits a config the schema accepts');
  }
  const syntaxErrors = parse(text, 'main.smtppolicy').diagnostics.filter((d: Diagnostic) => d.ruleId === 'syntax');
  let formatted: string | null = null;
  if (syntaxErrors.length > 0) {
    await timed('format', () => assert.rejects(formatPolicy(text), (error) => error instanceof PolicySyntaxError, 'a file with syntax errors is refused with PolicySyntaxError'));
  } else {
    formatted = await timed('format', () => formatPolicy(text));
    if (options.reformat !== false) {
      const twice = await timed('format again', () => formatPolicy(formatted!));
      assert.equal(twice, formatted, 'formatting is idempotent');
    }
    assert.deepEqual(commentTexts(formatted), commentTexts(text), 'every comment is kept, in order');
    // formatPolicy itself compares the trees before and after; checking the formatted text
    // again adds the lint findings and the emitted config (both skipped for the largest inputs,
    // whose cost is the time budget's: small inputs cover idempotence by the hundred)
    if (options.recheck === false) return { result, formatted, ms: Date.now() - started };
    const after = await timed('checkPolicy after format', () => checkInMemory({ ...extraFiles, 'main.smtppolicy': formatted! }));
    assertDiagnosticsValid(after);
    assert.deepEqual(after.diagnostics.map((d) => `${d.ruleId}:${d.severity}`), result.diagnostics.map((d) => `${d.ruleId}:${d.severity}`), 'the same findings after formatting');
    assert.deepEqual(withoutSources(after.model.config), withoutSources(result.model.config), 'the same runtime config after formatting');
  }
  return { result, formatted, ms: Date.now() - started };
}

/** A small valid policy that pathological inputs are added to. */
export const BASE_POLICY = `storage {
  spool "var/spool"
  maildir "var/mail"
}

server inbound { # the MX
  listen 127.0.0.1:2525
  hostname mx.example.test
  local-domains example.test
  connections except {
    198.51.100.7 # a known spammer
  }
}
`;

/** `count` distinct IPv4 addresses in 10.0.0.0/8. */
export function addresses(count: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
  return out;
}
