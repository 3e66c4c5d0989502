// An entry inside a wider one of the same list (10.1.2.3 next to 10.0.0.0/8, or
// mail.partner.example next to partner.example) never changes a decision. Often the
// author meant the narrow entry and the wide one is the mistake: worth a look either way.

import { reportEntryOverlaps } from './helpers/entry-collections.js';
import { defineRule } from '../lint/rule.js';

export default defineRule({
  meta: {
    id: 'shadowed-entry',
    category: 'lists',
    defaultSeverity: 'warning',
    description: 'an entry is already covered by a wider entry of the same list, so it never changes a decision',
    messages: {
      shadowed: '{{entry}} in the {{what}} is already covered by {{by}} at {{where}}: it never changes a decision. Remove it, or narrow {{by}} if that was the mistake',
    },
    fixable: true,
  },
  check(context) {
    reportEntryOverlaps(context, 'shadowed', ({ overlap, what, byWhere }) => ({
      messageId: 'shadowed',
      data: { entry: overlap.entry.value.text, what, by: overlap.by.value.text, where: byWhere },
      related: `${overlap.by.value.text} covers it`,
    }));
  },
});
