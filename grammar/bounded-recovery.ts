// Keeps chevrotain's error recovery linear on hostile input (its defaults are not):
//
// - In-repetition recovery looks ahead for a token to re-synchronise on and, when it finds
//   none that helps, puts the input back. Where every '}' comes after thousands of '{'
//   (10,000 nested `sni` blocks), each error looked ahead to the end of the file: quadratic,
//   100 s for 180 KB. Here that look-ahead stops after MAX_REPETITION_RESYNC tokens; the
//   error is then recovered by the enclosing rule, which consumes what it skips.
// - Every recovery asks which tokens may follow the current point of the grammar, a walk of
//   the grammar that allocates heavily (a millisecond or more per error). The answer
//   depends only on the grammar path, so it is computed once per path.
//
// The overridden members are chevrotain internals (11.x, pinned with ~ in package.json);
// test/grammar/recovery-bounds.test.ts fails if they stop being called.

import type { TokenType } from 'chevrotain';

/** Tokens in-repetition recovery may look past; hand-written junk inside a block is far shorter. */
export const MAX_REPETITION_RESYNC = 64;

export interface GrammarPath {
  ruleStack: string[];
  occurrenceStack: number[];
  lastTok: TokenType;
  lastTokOccurrence: number;
}

/** The members of chevrotain's parser that are wrapped here (not in its public typings). */
interface RecoveryInternals {
  attemptInRepetitionRecovery: (...args: unknown[]) => void;
  findReSyncTokenType: () => TokenType;
  getNextPossibleTokenTypes: (path: GrammarPath) => TokenType[];
  flattenFollowSet: () => TokenType[];
  LA: (k: number) => { tokenType: TokenType };
  tokenMatcher: (token: unknown, type: TokenType) => boolean;
}

/** Counts how often the bounds applied, for the test that keeps them wired in. */
export const recoveryBoundsUsage = { boundedResyncs: 0, cachedFollows: 0 };

export function boundRecovery(parser: object): void {
  const internals = parser as unknown as RecoveryInternals;
  const unboundedFind = internals.findReSyncTokenType.bind(parser);
  const walkFollows = internals.getNextPossibleTokenTypes.bind(parser);
  const attempt = internals.attemptInRepetitionRecovery.bind(parser);
  let inRepetition = false;

  internals.attemptInRepetitionRecovery = (...args: unknown[]) => {
    inRepetition = true;
    try {
      attempt(...args);
    } finally {
      inRepetition = false;
    }
  };

  internals.findReSyncTokenType = () => {
    // Between rules the search must go on to the end (the rule that catches the error
    // consumes what it skipped, so that is linear); only the repetition's is bounded.
    if (!inRepetition) return unboundedFind();
    const resync = internals.flattenFollowSet();
    for (let k = 1; k <= MAX_REPETITION_RESYNC; k++) {
      const token = internals.LA(k);
      const found = resync.find((type) => internals.tokenMatcher(token, type));
      if (found) return found;
    }
    // No re-synchronisation point near: name the next token's own type, which makes the
    // repetition give up at once and put the input back.
    recoveryBoundsUsage.boundedResyncs++;
    return internals.LA(1).tokenType;
  };

  const follows = new Map<string, TokenType[]>();
  internals.getNextPossibleTokenTypes = (path: GrammarPath) => {
    const key = `${path.ruleStack.join(',')}|${path.occurrenceStack.join(',')}|${path.lastTok.name}|${path.lastTokOccurrence}`;
    const cached = follows.get(key);
    if (cached) {
      recoveryBoundsUsage.cachedFollows++;
      return cached;
    }
    const computed = walkFollows(path);
    follows.set(key, computed);
    return computed;
  };
}
