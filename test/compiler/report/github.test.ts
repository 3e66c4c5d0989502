import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapeData, escapeProperty, formatGithub } from '../../../compiler/report/github.js';

const at = (line: number, column: number, offset = 0) => ({ line, column, offset });

describe('GitHub annotations reporter', () => {
  it('writes one workflow command per finding, with end positions and the rule as title', () => {
    const out = formatGithub({
      sources: new Map(),
      diagnostics: [
        { ruleId: 'open-relay', severity: 'error', message: 'any client may relay: 100% open\nreally', file: 'mail,main:1.smtppolicy', range: { start: at(6, 11), end: at(6, 20) } },
        { ruleId: 'duplicate-entry', severity: 'warning', message: 'twice', file: 'a.smtppolicy', range: { start: at(2, 3), end: at(2, 9) } },
        { ruleId: 'x', severity: 'info', message: 'note', file: 'a.smtppolicy', range: { start: at(1, 1), end: at(1, 2) } },
      ],
    });
    assert.equal(
      out,
      '::error file=mail%2Cmain%3A1.smtppolicy,line=6,col=11,endLine=6,endColumn=20,title=open-relay::any client may relay: 100%25 open%0Areally\n' +
        '::warning file=a.smtppolicy,line=2,col=3,endLine=2,endColumn=9,title=duplicate-entry::twice\n' +
        '::notice file=a.smtppolicy,line=1,col=1,endLine=1,endColumn=2,title=x::note\n',
    );
  });

  it('escapes as GitHub documents: data %, CR, LF; properties also : and ,', () => {
    assert.equal(escapeData('a%b\r\nc:d,e'), 'a%25b%0D%0Ac:d,e');
    assert.equal(escapeProperty('a%b\r\nc:d,e'), 'a%25b%0D%0Ac%3Ad%2Ce');
  });
});
