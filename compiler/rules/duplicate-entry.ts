// The same address, range or domain twice in one list: harmless to the server, but a sign
// of a copy-paste slip, and one of the two will be edited while the other stays.

import { reportEntryOverlaps } from './helpers/entry-collections.js';
import { defineRule } from '../lint/rule.js';

export default defineRule({
  meta: {
    id: 'duplicate-entry',
    category: 'lists',
    defaultSeverity: 'warning',
    description: 'the same address, range or domain is listed twice in one list',
    messages: {
      duplicate: '{{entry}} is listed twice in the {{what}}: it is already at {{where}}',
    },
    fixable: true,
  },
  check(context) {
    reportEntryOverlaps(context, 'duplicate', ({ overlap, what, byWhere }) => ({
      messageId: 'duplicate',
      data: { entry: overlap.entry.value.text, what, where: byWhere },
      related: `${overlap.by.value.text} is listed here first`,
    }));
  },
});
