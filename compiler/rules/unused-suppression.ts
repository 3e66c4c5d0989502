// A suppression that matches no finding is stale: the problem was fixed (good) or the
// comment drifted to another line (bad: it will silence the wrong thing one day).
// Produced by the lint engine (compiler/lint/suppressions.ts).

import { defineRule } from '../lint/rule.js';

export default defineRule({
  meta: {
    id: 'unused-suppression',
    category: 'suppressions',
    defaultSeverity: 'warning',
    description: 'a smtppolicy-ignore comment that suppresses nothing',
    messages: {
      unused: "nothing to suppress: no '{{rule}}' finding on line {{line}}. Remove the suppression",
    },
    fixable: true,
  },
  check() {},
});
