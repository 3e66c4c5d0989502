// The runtime config's item of an address entry (`10.0.0.0/8` in a list or a server), made
// from the entry's syntax node when read (see entry-item.ts).

import type { CidrEntryNode } from '../grammar/cidr-entry-node.js';
import type { CidrItem } from '../runtime/config/types.js';
import { EntryItem } from './entry-item.js';

export class CidrEntryItem extends EntryItem<CidrEntryNode> implements CidrItem {
  get kind(): 'cidr' {
    return 'cidr';
  }

  /** `network/prefix`, normalised, parsed from the entry's text on each read. */
  get cidr(): string {
    const value = this.node.value!;
    // join, not a template: one flat string (see ResolveContext.source)
    return [value.network, value.prefix].join('/');
  }

  toJSON(): CidrItem {
    const { kind, cidr, source, list } = this;
    return list === undefined ? { kind, cidr, source } : { kind, cidr, source, list };
  }
}
