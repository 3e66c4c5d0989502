// A suppression is a security decision written down: it must name real rules and say
// why. One that does not is reported (and suppresses nothing), so a typo never silences
// a finding by accident and nobody silences one without a reason. The lint engine
// (compiler/lint/suppressions.ts) produces these findings; this module is the rule's entry.

import { defineRule } from '../lint/rule.js';

export default defineRule({
  meta: {
    id: 'invalid-suppression',
    category: 'suppressions',
    defaultSeverity: 'error',
    description: 'a smtppolicy-ignore comment without a reason (or with a placeholder for one), without rule ids, or naming an unknown or unsuppressible rule',
    messages: {
      noReason: "suppression of {{rules}} needs a reason: '# smtppolicy-ignore {{rules}} -- <why this is safe here>'",
      placeholderReason: "suppression reason '{{reason}}' is a placeholder: write why this is safe here, or fix the finding",
      noRules: "suppression names no rule: '# smtppolicy-ignore <rule-id> -- <reason>'",
      unknownRule: "suppression names unknown rule '{{rule}}'{{suggestion}}",
      unsuppressible: "'{{rule}}' errors cannot be suppressed: fix the policy text",
    },
    fixable: false,
  },
  check() {},
});
