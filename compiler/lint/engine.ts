// Runs every enabled rule over a resolved policy, applies severity overrides and inline
// suppressions, and returns the findings as the project's one Diagnostic type.

import type { Diagnostic, Severity } from '../../grammar/diagnostic.js';
import type { PolicyModel } from '../model.js';
import type { CheckReuse } from '../check-reuse.js';
import { RULES, ruleById } from '../rules/index.js';
import type { Finding, Rule } from './rule.js';
import { applySuppressions } from './suppressions.js';
import { ServerCompiler } from './server-compiler.js';
import type { OnlineFacts } from '../online/hostname-lookups.js';

export type RuleSetting = Severity | 'off';

export interface LintOptions {
  /** Per-rule severity overrides (`--rule id=off|warn|error`); ids must be known (see parseRuleSetting). */
  rules?: ReadonlyMap<string, RuleSetting>;
  /** The time certificates are judged at. Default: now. */
  now?: Date;
  /** What DNS said (`lint --online`, see compiler/online/); absent: the online rules find nothing. */
  online?: OnlineFacts;
}

export function severityOf(rule: Rule, options: LintOptions): RuleSetting {
  return options.rules?.get(rule.meta.id) ?? rule.meta.defaultSeverity;
}

/**
 * Lint findings for a resolved policy (syntax and semantic diagnostics are the caller's).
 * `reuse`: what earlier checks of the same policy built (the editor's), so unchanged address
 * lists are not compiled again.
 */
export function lintPolicy(model: PolicyModel, options: LintOptions = {}, reuse?: CheckReuse): Diagnostic[] {
  reuse?.beginCheck();
  const { compiled } = new ServerCompiler(reuse?.matcherFor);
  const now = options.now ?? new Date();
  const findings: Diagnostic[] = [];
  for (const rule of RULES) {
    const severity = severityOf(rule, options);
    if (severity === 'off') continue;
    rule.check({
      model,
      compiled,
      now,
      online: options.online ?? null,
      report: (finding) => findings.push(toDiagnostic(rule, severity, finding)),
    });
  }

  const { kept, problems } = applySuppressions(model.files, findings, {
    isRule: (id) => ruleById(id) !== undefined,
    knownIds: () => RULES.map((r) => r.meta.id),
    canReportUnused: (id) => {
      const rule = ruleById(id);
      return rule !== undefined && !rule.meta.readsFiles && !rule.meta.online && severityOf(rule, options) !== 'off';
    },
  });
  for (const problem of problems) {
    const rule = ruleById(problem.ruleId)!;
    const severity = severityOf(rule, options);
    if (severity === 'off') continue;
    kept.push(
      toDiagnostic(rule, severity, {
        at: { file: problem.file, range: problem.range },
        messageId: problem.messageId,
        data: problem.data,
        ...(problem.fix ? { fix: problem.fix } : {}),
      }),
    );
  }
  return kept;
}

function toDiagnostic(rule: Rule, severity: Severity, finding: Finding): Diagnostic {
  const template = rule.meta.messages[finding.messageId];
  if (template === undefined) throw new Error(`rule ${rule.meta.id} has no message '${finding.messageId}'`);
  const message = template.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    const value = finding.data?.[key];
    if (value === undefined) throw new Error(`rule ${rule.meta.id}, message '${finding.messageId}': no value for {{${key}}}`);
    return String(value);
  });
  const range = 'range' in finding.at ? finding.at.range : finding.at.node.range;
  return {
    ruleId: rule.meta.id,
    severity,
    message,
    file: finding.at.file.displayName,
    range,
    ...(finding.fix ? { fix: finding.fix } : {}),
    ...(finding.related ? { related: finding.related } : {}),
  };
}

/** `open-relay=off`, `open-relay=warn` → [id, setting]; a message naming the problem otherwise. */
export function parseRuleSetting(text: string): [string, RuleSetting] | string {
  const match = /^([a-z0-9-]+)=(off|warn|warning|error|info)$/.exec(text);
  if (!match) return `expected --rule <rule-id>=off|warn|error, found '${text}'`;
  const [, id, level] = match as unknown as [string, string, string];
  // errors in the text itself are not findings about the policy: nothing can switch them off
  if (id === 'syntax' || id === 'semantic') {
    return `'${id}' errors are not a lint rule and cannot be switched off or changed: the policy cannot be read past them`;
  }
  if (!ruleById(id)) return `unknown rule '${id}' in --rule (run 'smtppolicy rules' for the list)`;
  return [id, level === 'warn' ? 'warning' : (level as RuleSetting)];
}
