// The same address, range or domain twice in one list: harmless to the server, but a sign
// of a copy-paste slip, and one of the two will be edited while the other stays.

import { entryOverlaps } from './helpers/entry-collections.js';
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
    for (const finding of entryOverlaps(context.model)) {
      if (finding.overlap.kind !== 'duplicate') continue;
      context.report({
        at: finding.overlap.entry.value.at,
        messageId: 'duplicate',
        data: { entry: finding.overlap.entry.value.text, what: finding.what, where: finding.byWhere },
        ...(finding.fix ? { fix: finding.fix } : {}),
        // Editors link to the entry this one repeats (LSP relatedInformation, SARIF relatedLocations).
        related: [{ file: finding.overlap.by.value.at.file.displayName, range: finding.overlap.by.value.at.node.range, message: `${finding.overlap.by.value.text} is listed here first` }],
      });
    }
  },
});
