// What a lint rule is, ESLint style: `meta` says what it checks (stable id, category,
// default severity, messages, whether it has a mechanical fix) and `check` reports
// findings through the context, at the exact syntax that causes them.

import type { NodeBase, Range } from '../../grammar/ast.js';
import type { Fix, RelatedLocation, Severity } from '../../grammar/diagnostic.js';
import type { CompiledServer } from '../../runtime/policy/index.js';
import type { PolicyModel, ServerModel } from '../model.js';
import type { SourceFile } from '../source-set.js';
import type { OnlineFacts } from '../online/hostname-lookups.js';

export type RuleCategory =
  | 'encryption'
  | 'certificates'
  | 'authentication'
  | 'relay'
  | 'connections'
  | 'lists'
  | 'listeners'
  | 'credentials'
  | 'delivery'
  | 'suppressions';

export interface RuleMeta<M extends string = string> {
  /** Stable forever: renaming a rule means deprecating the old id. */
  id: string;
  category: RuleCategory;
  defaultSeverity: Severity;
  /** One line, for `smtppolicy rules`, SARIF and hover. */
  description: string;
  /** Message templates; `{{name}}` is replaced from the report's data. */
  messages: Record<M, string>;
  fixable: boolean;
  /**
   * The outcome depends on files on the linting machine (certificates, password files), so
   * a suppression that matches nothing here may match on the mail host: never report it unused.
   */
  readsFiles?: boolean;
  /**
   * The rule judges what DNS says (`lint --online`): offline it finds nothing, and what it
   * finds changes with DNS, so its suppressions are never reported unused either.
   */
  online?: boolean;
}

/** Where a finding is: a syntax node (with its file) or an explicit range in a file. */
export type FindingLocation = { node: NodeBase; file: SourceFile } | { file: SourceFile; range: Range };

export interface Finding<M extends string = string> {
  at: FindingLocation;
  messageId: M;
  data?: Record<string, string | number>;
  fix?: Fix;
  related?: RelatedLocation[];
}

export interface RuleContext<M extends string = string> {
  model: PolicyModel;
  /**
   * What runtime/policy compiles for one server of the model: ask it instead of re-deriving
   * a decision. Compiled when a rule first asks and not kept past the next server asked for,
   * so call it where a decision is needed, not up front: the matchers of a whole large
   * policy, held while every rule ran, were a third of lint's peak memory.
   */
  compiled(server: ServerModel): CompiledServer;
  /** "Now", for certificate validity (tests pin it). */
  now: Date;
  /** What DNS said, under `lint --online`; null otherwise. */
  online: OnlineFacts | null;
  report(finding: Finding<M>): void;
}

export interface Rule<M extends string = string> {
  meta: RuleMeta<M>;
  check(context: RuleContext<M>): void;
}

/** Identity helper that keeps the message ids of a rule typed. */
export function defineRule<M extends string>(rule: Rule<M>): Rule<M> {
  return rule;
}
