// Public API of the compiler.
export { checkPolicy, compileToRuntimeConfig, hasErrors } from './check.js';
export type { CheckOptions, CheckResult, CompileResult } from './check.js';
export { emitConfig, emitConfigChunks } from './emit.js';
export type { PolicyModel, ServerModel, Located } from './model.js';
export { EntryNotReadableError } from './source-set.js';
export type { SourceFile, ReadText } from './source-set.js';
export { lintPolicy, parseRuleSetting } from './lint/engine.js';
export type { LintOptions, RuleSetting } from './lint/engine.js';
export { applyFixes } from './lint/fixes.js';
export type { Rule, RuleMeta, RuleContext, RuleCategory } from './lint/rule.js';
export { RULES, ruleById } from './rules/index.js';
export { formatSarif } from './report/sarif.js';
export { formatGithub } from './report/github.js';
