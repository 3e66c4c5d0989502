// An address entry as a user would write it, for hover lists and completion details.

import type { AddressEntry } from '../../grammar/index.js';

export function entryText(entry: AddressEntry): string {
  switch (entry.kind) {
    case 'Cidr':
      return entry.value ? (entry.value.single ? entry.value.address : `${entry.value.network}/${entry.value.prefix}`) : entry.text;
    case 'Mask':
      return entry.value ? `${entry.value.network}/${entry.value.prefix}` : `${entry.address.text} mask ${entry.mask?.text ?? '?'}`;
    case 'Domain':
      return `domain ${entry.domain?.value ?? entry.domain?.text ?? '?'}`;
    case 'ListRef':
      return `@${entry.name}`;
  }
}
