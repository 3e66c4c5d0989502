// Golden cases: test/format/cases/<name>/input.smtppolicy formats to output.smtppolicy.
// Together the cases hold every kind of syntax node and every place a comment can be.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parse } from '../../grammar/index.js';
import type { PolicyFile } from '../../grammar/ast.js';
import { sameMeaning } from '../../format/same-meaning.js';
import { caseNames, formatText, readCase } from './format-helpers.js';

describe('format cases', () => {
  for (const name of caseNames()) {
    test(name, async () => {
      const { input, output } = readCase(name);
      assert.equal(await formatText(input), output);
      assert.equal(await formatText(output), output, 'the expected output is itself formatted');
      assert.equal(sameMeaning(parse(input, 'input').ast, parse(output, 'output').ast), undefined);
    });
  }
});

// Mirrors the node kinds of grammar/ast.ts: a new kind must get a case before it is formatted untested.
const NODE_KINDS = [
  'File', 'Include', 'Resolver', 'ResolverServers', 'ResolverTimeout', 'ReverseZone', 'ResolverCache', 'CacheSetting',
  'UserStore', 'List', 'Storage', 'StorageSetting', 'Admin', 'Server', 'Listen', 'ListenEndpoint', 'Hostname', 'Tls',
  'TlsFile', 'TlsMode', 'TlsMinVersion', 'TlsMinCipherBits', 'TlsSni', 'Connections', 'Auth', 'AuthMethod',
  'AuthSenderMatch', 'Relay', 'LocalDomains', 'RelayTo', 'Smarthost', 'Hold', 'SmarthostTls', 'SmarthostUser',
  'SmarthostPassword', 'Env', 'Limits', 'LimitSetting', 'ProxyProtocol', 'AllowBareNewlines', 'Cidr', 'Mask', 'Domain',
  'ListRef', 'Authenticated', 'Anyone', 'DomainValue', 'HostPort', 'Duration', 'Size', 'Integer', 'TlsVersion',
  'Keyword', 'Name', 'String', 'Comment', 'Recipients', 'Mailboxes', 'MailboxFile', 'MailboxUsers', 'Alias', 'CatchAll',
];

function kindsIn(node: unknown, into: Set<string>): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => kindsIn(n, into));
  else if (node !== null && typeof node === 'object') {
    const kind = (node as { kind?: unknown }).kind;
    if (typeof kind === 'string') into.add(kind);
    Object.values(node).forEach((v) => kindsIn(v, into));
  }
  return into;
}

test('the cases hold every kind of node, and every auth method, limit and tls mode', () => {
  const seen = new Set<string>();
  const words = new Set<string>();
  for (const name of caseNames()) {
    const ast: PolicyFile = parse(readCase(name).input, name).ast;
    kindsIn(ast, seen);
    for (const match of JSON.stringify(ast).matchAll(/"kind":"Keyword","text":"([a-z-]+)"/g)) words.add(match[1] as string);
  }
  assert.deepEqual(NODE_KINDS.filter((k) => !seen.has(k)), []);
  const keywords = ['basic', 'challenge-response', 'token', 'anonymous', 'require', 'optional', 'none', 'no-verify', 'only', 'except'];
  const limits = ['message-size', 'recipients', 'connections-per-address', 'session-timeout', 'data-timeout', 'idle-timeout', 'greeting-delay', 'auth-failures', 'auth-failure-window'];
  assert.deepEqual([...keywords, ...limits].filter((k) => !words.has(k)), []);
});
