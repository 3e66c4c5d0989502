// The parser rules the setting rows of the keyword table become. One rule per setting,
// except where several settings share a node kind (the limits, the cache settings, the
// certificate and key files): those share one rule that takes any of their keywords, as
// the block's grammar always had. The parser builds the rules from this list, CST→AST
// builds each rule's node from it, and the formatter prints the node from it.

import { ROWS, type KeywordContext, type KeywordRow, type SettingSpec } from './keyword-table.js';
import { VALUE_KINDS, type ValueShape } from './setting-values.js';

export type SettingRowOf = KeywordRow & { setting: SettingSpec };

export interface SettingRule {
  /** The chevrotain rule name, also the CST node's name. */
  name: string;
  /** The syntax-tree node kind it becomes. */
  kind: string;
  /** The field that holds which keyword was written, for settings sharing a kind. */
  nameField?: 'name' | 'mode';
  /** The field that holds the value (a node, or an array for a comma list). */
  valueField: string;
  shape: ValueShape;
  token?: 'Word' | 'StringLiteral';
  /** Its keywords, one row each, in table order. */
  rows: SettingRowOf[];
  /** The blocks it may appear in. */
  contexts: KeywordContext[];
}

/** The generic node of a setting whose row names no node kind: `{ kind: 'Setting', name, value }`. */
const GENERIC_NODE = { kind: 'Setting', nameField: 'name', valueField: 'value' } as const;

function camel(text: string): string {
  return text.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

function ruleNameOf(row: SettingRowOf): string {
  const node = row.setting.node;
  // A shared kind names its rule after the kind (`LimitSetting` → `limitSetting`).
  if (node?.nameField) return node.kind.charAt(0).toLowerCase() + node.kind.slice(1);
  return `${camel(row.text)}Setting`;
}

function buildRules(): SettingRule[] {
  const rules = new Map<string, SettingRule>();
  for (const row of ROWS) {
    if (!row.setting) continue;
    const settingRow = row as SettingRowOf;
    const name = ruleNameOf(settingRow);
    const node = settingRow.setting.node ?? GENERIC_NODE;
    const value = VALUE_KINDS[settingRow.setting.value];
    const existing = rules.get(name);
    if (existing) {
      // A shared rule consumes one kind of token after its keywords; a row that breaks this is a table error.
      if (!node.nameField || existing.shape !== value.shape || existing.token !== value.token) {
        throw new Error(`keyword table: '${row.text}' cannot share the parser rule ${name} (another value shape, or a second setting of that name)`);
      }
      existing.rows.push(settingRow);
      for (const context of row.contexts) if (!existing.contexts.includes(context)) existing.contexts.push(context);
      continue;
    }
    const rule: SettingRule = {
      name,
      kind: node.kind,
      valueField: node.valueField ?? 'value',
      shape: value.shape,
      rows: [settingRow],
      contexts: [...row.contexts],
    };
    if (node.nameField) rule.nameField = node.nameField;
    if (value.token) rule.token = value.token;
    rules.set(name, rule);
  }
  return [...rules.values()];
}

export const SETTING_RULES: readonly SettingRule[] = buildRules();

const BY_NAME = new Map(SETTING_RULES.map((rule) => [rule.name, rule]));
// Kinds of their own name one rule each; the generic `Setting` kind is told apart by its `name`.
const BY_KIND = new Map(SETTING_RULES.filter((rule) => rule.kind !== GENERIC_NODE.kind).map((rule) => [rule.kind, rule]));
const GENERIC_BY_KEYWORD = new Map(
  SETTING_RULES.filter((rule) => rule.kind === GENERIC_NODE.kind).flatMap((rule) => rule.rows.map((row) => [row.text, rule] as const)),
);

/** The setting rule of a CST node name, when the node is a setting. */
export function settingRuleNamed(name: string): SettingRule | undefined {
  return BY_NAME.get(name);
}

/** The setting rule a syntax-tree node was built by, when the node is a setting of the table. */
export function settingRuleOf(node: object): SettingRule | undefined {
  const { kind, name } = node as { kind?: unknown; name?: unknown };
  if (typeof kind !== 'string') return undefined;
  if (kind === GENERIC_NODE.kind) return typeof name === 'string' ? GENERIC_BY_KEYWORD.get(name) : undefined;
  return BY_KIND.get(kind);
}

/** The row of a keyword within a rule. */
export function ruleRow(rule: SettingRule, keyword: string): SettingRowOf | undefined {
  return rule.rows.find((row) => row.text === keyword);
}

/**
 * A block's items in keyword-table order: for each keyword of the context, either the
 * setting rule that parses it or the keyword itself (a structural item the parser writes
 * by hand). A shared rule appears once, at its first keyword.
 */
export function blockItems(context: KeywordContext): Array<{ rule: SettingRule } | { keyword: string }> {
  const items: Array<{ rule: SettingRule } | { keyword: string }> = [];
  const seen = new Set<string>();
  for (const row of ROWS) {
    if (!row.contexts.includes(context)) continue;
    if (row.setting) {
      const rule = BY_NAME.get(ruleNameOf(row as SettingRowOf))!;
      if (seen.has(rule.name)) continue;
      seen.add(rule.name);
      items.push({ rule });
    } else if (!seen.has(`keyword:${row.text}`)) {
      seen.add(`keyword:${row.text}`);
      items.push({ keyword: row.text });
    }
  }
  return items;
}
