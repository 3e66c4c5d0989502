// review/: what a policy change means and what a policy admits, for people reviewing it.
// `smtppolicy diff` (diff.ts and format/) and `smtppolicy graph` (graph/) stand on the
// compiler's analysis and ask runtime/policy for every decision they show. The one door
// the CLI uses (test/architecture.test.ts).
export { diffPolicies, failingChanges, DEFAULT_FAIL_ON, FAIL_CATEGORIES, type FailCategory, type PolicyDiff } from './diff.js';
export { SideTexts } from './locations.js';
export type { DiffReport, DiffSide } from './format/words.js';
export { formatDiffPretty } from './format/pretty.js';
export { formatDiffJson } from './format/json.js';
export { formatDiffMarkdown } from './format/markdown.js';
export { diffFindings, diffHelpUri, DIFF_RULES } from './format/findings.js';
export { policyHtml, policySvg, diffHtml, policyMaps } from './graph/documents.js';
export { CATEGORIES, type Category } from './graph/categories.js';
