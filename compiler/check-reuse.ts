// What a check may take over from earlier checks of the same document, so that the language
// server's work per keystroke follows the size of the edit rather than the size of the policy.
//
// Everything here is keyed by syntax nodes. The incremental parse (grammar/incremental.ts)
// hands back the very same node objects for the top-level blocks an edit did not touch, and a
// node is only ever created by parsing one text at one place, so a result computed from a
// node alone is still right whenever that node comes back. Results that depend on more than
// the node (a server's expanded lists, the file a list is in) keep what they depended on and
// are used only when all of it is identical. Weak maps: blocks that an edit replaced simply
// fall out with the old syntax tree.

import type { ListDecl, ServerDecl } from '../grammar/ast.js';
import { movedFrom } from '../grammar/incremental.js';
import type { AddressItem } from '../runtime/config/types.js';

/** A list's resolved items, as made for one file path and base directory (both are in each item's `source`). */
export interface ResolvedList {
  configPath: string;
  items: AddressItem[];
}

export class CheckReuse {
  /** Lists without `@list` references, resolved: they depend on nothing but their own node. */
  readonly resolvedLists = new WeakMap<ListDecl, ResolvedList>();
  private readonly listsWithoutOverlaps = new WeakSet<ListDecl>();
  /** Per server and entry group, the items last found to have no overlapping entries. */
  private readonly groupsWithoutOverlaps = new WeakMap<ServerDecl, Map<string, AddressItem[]>>();

  /**
   * Whether a list's own entries were found not to overlap: a property of the entries'
   * values alone, so it also holds for a copy of the list moved by an edit above it.
   */
  listHasNoOverlaps(list: ListDecl): boolean {
    if (this.listsWithoutOverlaps.has(list)) return true;
    const origin = movedFrom(list);
    if (origin === undefined || !this.listsWithoutOverlaps.has(origin)) return false;
    this.listsWithoutOverlaps.add(list);
    return true;
  }

  noteListHasNoOverlaps(list: ListDecl): void {
    this.listsWithoutOverlaps.add(list);
  }

  /**
   * Whether a server's entry group was found not to overlap with these very items. An item
   * object is made once for one entry node (resolvedLists), and its `source` maps back to
   * that node, so the same items have the same keys.
   */
  groupHasNoOverlaps(server: ServerDecl, group: string, items: readonly AddressItem[]): boolean {
    const last = this.groupsWithoutOverlaps.get(server)?.get(group);
    if (last === undefined || last.length !== items.length) return false;
    for (let i = 0; i < items.length; i++) if (last[i] !== items[i]) return false;
    return true;
  }

  noteGroupHasNoOverlaps(server: ServerDecl, group: string, items: AddressItem[]): void {
    let groups = this.groupsWithoutOverlaps.get(server);
    if (!groups) this.groupsWithoutOverlaps.set(server, (groups = new Map()));
    groups.set(group, items);
  }
}
