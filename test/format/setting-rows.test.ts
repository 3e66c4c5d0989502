// Every setting row of the keyword table parses, becomes its node and prints back, from
// the row alone: what a new setting gets without code in the parser, CST→AST or printer.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from '../../grammar/index.js';
import { ROWS, type KeywordContext } from '../../grammar/keyword-table.js';
import { settingRuleOf } from '../../grammar/setting-rules.js';
import type { ValueKind } from '../../grammar/setting-values.js';
import { formatText } from './format-helpers.js';

const SAMPLE: Record<ValueKind, string> = {
  flag: '',
  duration: '5m',
  rate: '100/1m',
  size: '25MB',
  count: '7',
  integer: '128',
  fqdn: 'mail.example.com',
  domains: 'a.example, b.example',
  'dns-servers': '10.0.0.53, 10.0.0.54:5353',
  'reverse-zones': '10.in-addr.arpa, 113.0.203.in-addr.arpa',
  path: '"certs/mail.pem"',
  directory: '"var/spool"',
  string: '"relay"',
  text: '"authorised use only"',
  'tls-version': '1.3',
  'unreachable-mode': 'local',
};

/** The setting written in its block, formatted as the formatter writes it. */
function inBlock(context: KeywordContext, setting: string): string | undefined {
  const nest = (opening: string[], depth = opening.length) =>
    [...opening.map((o, i) => `${'  '.repeat(i)}${o} {`), `${'  '.repeat(depth)}${setting}`, ...opening.map((_, i) => `${'  '.repeat(depth - 1 - i)}}`)].join('\n') + '\n';
  switch (context) {
    case 'server':
      return nest(['server s']);
    case 'tls':
    case 'auth':
    case 'limits':
      return nest(['server s', context]);
    case 'sni':
      return nest(['server s', 'tls', 'sni other.example.com']);
    case 'smarthost':
      return nest(['server s', 'relay-to smarthost relay.example:587']);
    case 'recipients':
      return nest(['server s', 'recipients example.com']);
    case 'resolver':
    case 'storage':
    case 'state':
      return nest([context]);
    case 'cache':
      return nest(['resolver', 'cache']);
    case 'ldap':
      return nest(['users staff ldap "ldaps://dc.example.com"']);
    default:
      return undefined;
  }
}

function findKeyword(node: unknown, keyword: string): Record<string, unknown> | undefined {
  if (!node || typeof node !== 'object') return undefined;
  const record = node as Record<string, unknown>;
  if ((record.keyword as { text?: string } | undefined)?.text === keyword && settingRuleOf(record)) return record;
  for (const value of Object.values(record)) {
    const found = Array.isArray(value) ? value.map((v) => findKeyword(v, keyword)).find(Boolean) : findKeyword(value, keyword);
    if (found) return found;
  }
  return undefined;
}

describe('setting rows of the keyword table', () => {
  for (const row of ROWS) {
    if (!row.setting) continue;
    for (const context of row.contexts) {
      const setting = `${row.text} ${SAMPLE[row.setting.value]}`.trimEnd();
      const text = inBlock(context, setting);
      it(`${context}: ${setting}`, async () => {
        assert.ok(text, `no sample block for ${context}: add one here`);
        const { ast, diagnostics } = parse(text, 'rows.smtppolicy');
        assert.deepEqual(diagnostics.map((d) => d.message), []);
        const node = findKeyword(ast, row.text);
        assert.ok(node, `no node for ${row.text}`);
        const rule = settingRuleOf(node)!;
        if (row.setting!.value !== 'flag') assert.ok(node[rule.valueField] !== undefined, `${row.text} lost its value`);
        assert.equal(await formatText(text), text);
      });
    }
  }
});
