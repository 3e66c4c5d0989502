// The runtime config's item of a domain entry (`domain partner.example` in a list or a
// server), made from the entry's syntax node when read (see entry-item.ts).

import type { DomainEntryNode } from '../grammar/domain-entry-node.js';
import type { DomainItem } from '../runtime/config/types.js';
import { EntryItem } from './entry-item.js';

export class DomainEntryItem extends EntryItem<DomainEntryNode> implements DomainItem {
  get kind(): 'domain' {
    return 'domain';
  }

  /** Lower-case, without a trailing dot: parsed from the entry's name on each read. */
  get domain(): string {
    return this.node.domain!.value!;
  }

  toJSON(): DomainItem {
    const { kind, domain, source, list } = this;
    return list === undefined ? { kind, domain, source } : { kind, domain, source, list };
  }
}
