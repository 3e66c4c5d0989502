// The keyword table (hover, completion, messages) and the tokenizer (formatter, editor).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeKeyword, KEYWORDS, keywordsIn, tokenize } from '../../grammar/keywords.js';
import { parse } from '../../grammar/index.js';

describe('the keyword table', () => {
  it('lexes every keyword as a keyword, and a longer word as a value', () => {
    for (const { text } of KEYWORDS) {
      assert.deepEqual(
        tokenize(text).tokens.map((t) => t.kind),
        ['keyword'],
        text,
      );
      assert.deepEqual(
        tokenize(`${text}.example`).tokens.map((t) => [t.kind, t.text]),
        [['word', `${text}.example`]],
        text,
      );
    }
  });

  it('describes every keyword in one line, and in context where it means something else', () => {
    for (const keyword of KEYWORDS) {
      assert.ok(keyword.description.length > 10 && !keyword.description.includes('\n'), keyword.text);
      assert.ok(keyword.contexts.length > 0, keyword.text);
    }
    assert.match(describeKeyword('connections', 'limits') ?? '', /simultaneous connections/);
    assert.match(describeKeyword('connections', 'server') ?? '', /allow-list/);
    assert.equal(describeKeyword('no-such-keyword'), undefined);
  });

  it('lists the settings of each block as syntax errors name them', () => {
    assert.deepEqual(keywordsIn('server'), [
      'listen',
      'hostname',
      'banner',
      'tls',
      'connections',
      'auth',
      'relay',
      'local-domains',
      'recipients',
      'relay-to',
      'route',
      'limits',
      'proxy-protocol',
      'gateways',
      'allow-bare-newlines',
    ]);
    assert.deepEqual(keywordsIn('top'), ['include', 'resolver', 'storage', 'admin', 'state', 'users', 'list', 'server']);
    assert.equal(keywordsIn('limits').length, 18);
  });

  it('matches the grammar: each server setting keyword starts a setting the parser accepts', () => {
    const samples: Record<string, string> = {
      listen: 'listen 0.0.0.0:25',
      hostname: 'hostname mail.example.com',
      banner: 'banner "authorised use only"',
      tls: 'tls { optional }',
      connections: 'connections except { }',
      auth: 'auth { anonymous }',
      relay: 'relay { authenticated }',
      'local-domains': 'local-domains example.com',
      recipients: 'recipients example.com { catch-all }',
      'relay-to': 'relay-to direct',
      route: 'route partner.example "smtp.partner.example:25"',
      limits: 'limits { recipients 10 }',
      'proxy-protocol': 'proxy-protocol { 10.0.0.1 }',
      gateways: 'gateways { 172.17.0.1 }',
      'allow-bare-newlines': 'allow-bare-newlines',
    };
    for (const keyword of keywordsIn('server')) {
      const sample = samples[keyword];
      assert.ok(sample, `no sample for ${keyword}`);
      assert.deepEqual(parse(`server a { ${sample} }`, 'p').diagnostics, [], keyword);
    }
  });
});

describe('tokenize', () => {
  it('returns tokens with kinds and ranges, and comments apart', () => {
    const text = 'server a { # note\n  relay { @x, "s" }\n}';
    const { tokens, comments, diagnostics } = tokenize(text);
    assert.deepEqual(
      tokens.map((t) => [t.kind, t.text]),
      [
        ['keyword', 'server'],
        ['word', 'a'],
        ['lbrace', '{'],
        ['keyword', 'relay'],
        ['lbrace', '{'],
        ['ref', '@x'],
        ['comma', ','],
        ['string', '"s"'],
        ['rbrace', '}'],
        ['rbrace', '}'],
      ],
    );
    for (const t of tokens) assert.equal(text.slice(t.range.start.offset, t.range.end.offset), t.text);
    assert.deepEqual(
      comments.map((c) => [c.text, c.range.start.line, c.range.start.column]),
      [['# note', 1, 12]],
    );
    assert.deepEqual(diagnostics, []);
  });

  it('marks unterminated strings and reports unexpected characters', () => {
    const { tokens, diagnostics } = tokenize('include "abc\n; x');
    assert.equal(tokens[1]?.unterminated, true);
    assert.equal(tokens[1]?.text, '"abc');
    assert.deepEqual(
      diagnostics.map((d) => [d.range.start.line, d.range.start.column, d.message]),
      [[2, 1, "unexpected character ';': settings need no terminator"]],
    );
  });
});
