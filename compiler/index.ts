// Public API of the compiler (the package's main export), and the one door through which
// cli/, lsp/ and format/ use it (test/architecture.test.ts).
export { checkPolicy, compileToRuntimeConfig, hasErrors } from './check.js';
export { lookUpHostnames, type OnlineFacts, type HostnameLookup } from './online/hostname-lookups.js';
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
export { formatSarif, formatSarifChunks } from './report/sarif.js';
export { formatGithub } from './report/github.js';
// What the CLI and the language server need beyond checking and compiling.
export { CheckReuse } from './check-reuse.js';
export { decodeUtf8, type DecodedText } from './utf8-text.js';
export { describeIoError, invalidUtf8Diagnostics, readDecodedFromDisk } from './source-set.js';
export { didYouMean } from './suggest.js';
export { REASON_PLACEHOLDER } from './lint/suppressions.js';
export { settingsOf } from './lint/locate.js';
export { docsUrl, summarize, type Report } from './report/report.js';
export { formatPretty } from './report/pretty.js';
export { formatJson, formatJsonChunks } from './report/json.js';
export { formatJunit, formatJunitChunks } from './report/junit.js';
export { formatGitlab, formatGitlabChunks } from './report/gitlab.js';
export { PUBLIC_ADDRESSES } from './analysis/public-addresses.js';
export { connectableSet, unauthenticatedRelay } from './analysis/reach.js';
// What review/ (diff and graph) needs of the analysis: the relay paths per listener, the
// sets they are built from, and the session a witness describes, to replay it.
export { cidrSet, relayWithoutAuthSet } from './analysis/reach.js';
export { examplePublicAddress } from './analysis/public-addresses.js';
export { describeListener, peersOf } from './analysis/listener-reach.js';
export { hostsOf, relayPaths, type ListenerRelay, type RelayPath, type RelayPathKind, type RelayWitness } from './analysis/relay-paths.js';
export { PROBE_SENDER, probeRecipient, witnessArrival, witnessRelays } from './analysis/relay-probe.js';
