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
import { AddressMatcher } from '../runtime/policy/index.js';

/**
 * A list's resolved items, as made for one file path and base directory, with the list at one
 * line (all three are in each item's `source`).
 */
interface ResolvedList {
  configPath: string;
  line: number;
  items: AddressItem[];
}

/** Entries resolved to items: the expanded lists they referenced, in order, and the items made. */
interface ResolvedEntries {
  lists: readonly (readonly AddressItem[])[];
  items: AddressItem[];
}

export class CheckReuse {
  /** Lists without `@list` references, resolved: they depend on nothing but their own node. */
  private readonly resolvedLists = new WeakMap<ListDecl, ResolvedList>();
  private readonly listsWithoutOverlaps = new WeakSet<ListDecl>();
  /** Per server and entry group, the items last found to have no overlapping entries. */
  private readonly groupsWithoutOverlaps = new WeakMap<ServerDecl, Map<string, AddressItem[]>>();

  /**
   * The items an earlier check made for this list node, or for the list an edit above it moved
   * it from while it stayed on its lines (typing within a line moves every later list by a few
   * characters, and their sources name lines and columns only).
   */
  listItems(list: ListDecl, configPath: string): AddressItem[] | undefined {
    let earlier = this.resolvedLists.get(list);
    if (earlier === undefined) {
      const origin = movedFrom(list);
      earlier = origin && this.resolvedLists.get(origin);
      if (earlier === undefined || earlier.line !== list.range.start.line) return undefined;
      // The next edit moves this copy, not its origin.
      this.resolvedLists.set(list, earlier);
    }
    return earlier.configPath === configPath ? earlier.items : undefined;
  }

  noteListItems(list: ListDecl, configPath: string, items: AddressItem[]): void {
    this.resolvedLists.set(list, { configPath, line: list.range.start.line, items });
  }

  // Entries with list references (servers' connection lists and relay grants, lists naming
  // lists) resolved in the last resolution and the one running now, by a key that spells
  // everything their items depend on but the referenced lists' items (see EntryResolver).
  // Two generations, as for matchers below.
  private previousEntries = new Map<string, ResolvedEntries>();
  private currentEntries = new Map<string, ResolvedEntries>();

  /** A resolution begins: the entries the one before it resolved become candidates for reuse. */
  beginResolve(): void {
    this.previousEntries = this.currentEntries;
    this.currentEntries = new Map();
  }

  /**
   * The items made for entries spelt `key` when they referenced these very lists (the same
   * arrays, which an unchanged list keeps from check to check). Handing back the same items
   * array keeps what later steps know about it: overlap-free groups, built matchers.
   */
  resolvedEntries(key: string, lists: readonly (readonly AddressItem[])[]): AddressItem[] | undefined {
    const found = this.currentEntries.get(key) ?? this.previousEntries.get(key);
    if (found === undefined || found.lists.length !== lists.length) return undefined;
    for (let i = 0; i < lists.length; i++) if (found.lists[i] !== lists[i]) return undefined;
    this.currentEntries.set(key, found);
    return found.items;
  }

  noteResolvedEntries(key: string, lists: readonly (readonly AddressItem[])[], items: AddressItem[]): void {
    this.currentEntries.set(key, { lists, items });
  }

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
    const last = this.groupsOf(server)?.get(group);
    if (last === undefined || last.length !== items.length) return false;
    for (let i = 0; i < items.length; i++) if (last[i] !== items[i]) return false;
    return true;
  }

  // The address matchers of the last check and of the one running now, with the items each
  // was built from, in buckets by a cheap key. Two generations: a matcher that no check asked
  // for twice in a row goes.
  private previousMatchers = new Map<string, BuiltMatcher[]>();
  private currentMatchers = new Map<string, BuiltMatcher[]>();

  /** A check begins: the matchers the one before it built become candidates for reuse. */
  beginCheck(): void {
    this.previousMatchers = this.currentMatchers;
    this.currentMatchers = new Map();
  }

  /**
   * The matcher of these items, built again only when no earlier check built one from equal
   * items: every field of every item, in the same order (the matcher keeps the first of
   * equal entries), so a reused matcher answers exactly as a new one would. Items compare by
   * content, so the lists an edit moved (new objects, same entries) count too. Every server
   * is linted on every keystroke, and building its matchers (parsing and inserting thousands
   * of ranges) was the largest part of the linter's time.
   */
  readonly matcherFor = (items: readonly AddressItem[]): AddressMatcher => {
    const key = `${items.length}\u0000${items[0]?.source ?? ''}\u0000${items.at(-1)?.source ?? ''}`;
    const found =
      this.currentMatchers.get(key)?.find((built) => sameItems(built.items, items)) ??
      this.previousMatchers.get(key)?.find((built) => sameItems(built.items, items)) ??
      { items, matcher: new AddressMatcher(items) };
    const bucket = this.currentMatchers.get(key);
    if (!bucket) this.currentMatchers.set(key, [found]);
    else if (!bucket.includes(found)) bucket.push(found);
    return found.matcher;
  };

  /** The server's groups known to have no overlaps; those of the server an edit above it moved it from count (the items decide). */
  private groupsOf(server: ServerDecl): Map<string, AddressItem[]> | undefined {
    const groups = this.groupsWithoutOverlaps.get(server);
    if (groups !== undefined) return groups;
    const origin = movedFrom(server);
    const moved = origin && this.groupsWithoutOverlaps.get(origin);
    if (moved !== undefined) this.groupsWithoutOverlaps.set(server, moved);
    return moved;
  }

  noteGroupHasNoOverlaps(server: ServerDecl, group: string, items: AddressItem[]): void {
    let groups = this.groupsOf(server);
    if (!groups) this.groupsWithoutOverlaps.set(server, (groups = new Map()));
    groups.set(group, items);
  }
}

interface BuiltMatcher {
  items: readonly AddressItem[];
  matcher: AddressMatcher;
}

function sameItems(a: readonly AddressItem[], b: readonly AddressItem[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    if (x.kind !== y.kind || x.source !== y.source || x.list !== y.list) return false;
    if (x.kind === 'cidr' ? x.cidr !== (y as typeof x).cidr : x.domain !== (y as typeof x).domain) return false;
  }
  return true;
}
