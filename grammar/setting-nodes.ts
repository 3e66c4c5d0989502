// CST → AST for the settings of the keyword table: one function builds the node of every
// setting rule, from the rule's node kind, its fields and its value kind. Defensive like
// the rest of CST→AST: a recovered node may lack its keyword (then no node) or its value
// (then no value field).

import type { CstNode } from 'chevrotain';
import type * as Ast from './ast.js';
import type { CstContext } from './cst-context.js';
import { ruleRow, type SettingRule } from './setting-rules.js';
import { VALUE_KINDS } from './setting-values.js';

export function settingNode(ctx: CstContext, node: CstNode, rule: SettingRule): Ast.AnyNode | undefined {
  const keyword = ctx.token(node, 'keyword');
  if (!keyword) return undefined;
  const row = ruleRow(rule, keyword.image);
  if (!row) return undefined;
  const result: Record<string, unknown> & { range: Ast.Range } = { kind: rule.kind, keyword: ctx.keyword(keyword), range: ctx.nodeRange(node, keyword) };
  if (rule.nameField) result[rule.nameField] = keyword.image;
  const kind = VALUE_KINDS[row.setting.value];
  const options = row.setting.valueOptions ?? {};
  if (rule.shape === 'list' && kind.build) {
    result[rule.valueField] = ctx.tokens(node, 'Word').map((token) => kind.build!(ctx, token, options));
  } else if (rule.shape === 'single' && kind.build && rule.token) {
    const token = ctx.token(node, rule.token);
    if (token) result[rule.valueField] = kind.build(ctx, token, options);
  }
  return result as unknown as Ast.AnyNode;
}
