// The compiler's front door: load a policy with its includes, parse, resolve, and collect
// every diagnostic in a stable order. The CLI, the language server and `serve` all come
// through here, so they always agree on what a policy means and what is wrong with it.

import { dirname, resolve } from 'node:path';
import type { Diagnostic } from '../grammar/diagnostic.js';
import { SEMANTIC, SYNTAX } from '../grammar/diagnostic.js';
import { lintPolicy, type LintOptions } from './lint/engine.js';
import type { RuntimeConfig } from '../runtime/config/types.js';
import type { CheckReuse } from './check-reuse.js';
import type { PolicyModel } from './model.js';
import { resolvePolicy } from './resolve.js';
import type { ParseText, ReadText, SourceFile } from './source-set.js';
import { loadSourceSet } from './source-set.js';
import { lookUpHostnames, type OnlineFacts } from './online/hostname-lookups.js';

export interface CheckOptions {
  /** Relative paths (the entry, display names) are read against this. Default: process.cwd(). */
  cwd?: string;
  /** Where the config's paths are relative to. Default: the entry file's directory. */
  baseDir?: string;
  readText?: ReadText;
  /** Parses each file; default grammar's parse() (the language server reuses earlier parses). */
  parseText?: ParseText;
  /**
   * Lint rules (compiler/rules) run on every check, so lint, compile, serve and the editor
   * all see the same findings; `false` turns them off (for tests of the language itself).
   * They do not run while the policy has syntax or semantic errors: a half-resolved policy
   * would give misleading findings.
   */
  lint?: LintOptions | false;
  /**
   * Results of earlier checks of the same policy that this one may take over where the
   * syntax they came from is unchanged (the language server keeps one per document).
   */
  reuse?: CheckReuse;
  /**
   * `lint --online`: look the servers' hostnames up in DNS (the policy's resolver) before
   * the rules run, so that the online rules can judge them. Never for serve or the editor.
   * A function does the looking up instead (tests point it at their own DNS server).
   */
  online?: boolean | ((config: RuntimeConfig) => Promise<OnlineFacts>);
  /**
   * Called when a phase of the check (parsing, resolving, the rules) has ended: most of what
   * it allocated besides its result is garbage then. The command line collects it there
   * (cli/collect-garbage.ts), so that a large policy's peak memory is what one phase leaves
   * rather than what the garbage collector's own schedule lets pile up.
   */
  afterPhase?: () => void;
}

export interface CheckResult {
  files: SourceFile[];
  model: PolicyModel;
  diagnostics: Diagnostic[];
  /** What DNS said, when `online` was asked for and the rules ran. */
  online?: OnlineFacts;
}

/** Throws EntryNotReadableError when the entry cannot be read; everything else is a diagnostic. */
export async function checkPolicy(entry: string, options: CheckOptions = {}): Promise<CheckResult> {
  const cwd = options.cwd ?? process.cwd();
  const entryPath = resolve(cwd, entry);
  const baseDir = resolve(cwd, options.baseDir ?? dirname(entryPath));
  const sources = await loadSourceSet(entry, { cwd, ...(options.readText ? { readText: options.readText } : {}), ...(options.parseText ? { parseText: options.parseText } : {}) });
  options.afterPhase?.();
  const { model, diagnostics } = resolvePolicy(sources.files, baseDir, options.reuse);
  options.afterPhase?.();
  const found = [...sources.diagnostics, ...diagnostics];
  // Rules reason over the resolved policy; where the text or its values are wrong, that
  // policy is incomplete (an invalid entry is missing from its list, say) and its findings
  // would be misleading, so the errors of the language come first, alone.
  let online: OnlineFacts | undefined;
  if (options.lint !== false && !found.some((d) => d.ruleId === SYNTAX || d.ruleId === SEMANTIC)) {
    if (options.online) online = await (typeof options.online === 'function' ? options.online : lookUpHostnames)(model.config);
    found.push(...lintPolicy(model, { ...options.lint, ...(online ? { online } : {}) }, options.reuse));
    options.afterPhase?.();
  }
  return { files: sources.files, model, diagnostics: sortDiagnostics(sources.files, found), ...(online ? { online } : {}) };
}

export interface CompileResult {
  config: RuntimeConfig;
  /** Absolute directory the config's relative paths are read against. */
  baseDir: string;
  diagnostics: Diagnostic[];
}

/** For `serve` and `explain`: a runtime config straight from a policy file (refuse it when hasErrors). */
export async function compileToRuntimeConfig(entryPath: string, options: CheckOptions = {}): Promise<CompileResult> {
  const { model, diagnostics } = await checkPolicy(entryPath, options);
  return { config: model.config, baseDir: model.baseDir, diagnostics };
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Files in load order, then by position: the order a reader goes through the policy. */
function sortDiagnostics(files: SourceFile[], diagnostics: Diagnostic[]): Diagnostic[] {
  const fileOrder = new Map(files.map((f, i) => [f.displayName, i]));
  return diagnostics
    .map((d, i) => ({ d, i }))
    .sort(
      (a, b) =>
        (fileOrder.get(a.d.file) ?? files.length) - (fileOrder.get(b.d.file) ?? files.length) ||
        a.d.range.start.offset - b.d.range.start.offset ||
        a.i - b.i,
    )
    .map(({ d }) => d);
}
