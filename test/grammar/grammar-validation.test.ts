import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLexer } from '../../grammar/lexer.js';
import { PolicyParser } from '../../grammar/parser.js';

// The process-wide lexer and parser skip chevrotain's definition checks to start faster;
// these are the checks, run once here so that a grammar mistake still fails the build.
describe('grammar definition', () => {
  it('the parser passes chevrotain grammar validations (no ambiguity, no left recursion)', () => {
    // performSelfAnalysis throws "Parser Definition Errors detected" on any finding.
    assert.doesNotThrow(() => new PolicyParser({ validate: true }));
  });

  it('the lexer passes chevrotain pattern validations', () => {
    const lexer = createLexer({ validate: true });
    assert.deepEqual(lexer.lexerDefinitionErrors.map((e) => e.message), []);
  });
});
