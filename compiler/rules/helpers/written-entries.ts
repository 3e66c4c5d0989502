// A named list is expanded into every server that uses it, so one entry as written (one
// `source`) is an item of each of those servers' configs. A finding about the written entry
// itself (not about what it does in one server) is reported once: with the first server, and
// the first of its collections, that has it.

import type { AddressItem, DomainItem, ServerConfig } from '../../../runtime/config/types.js';
import type { PolicyModel, ServerModel } from '../../model.js';

export interface WrittenEntry<C extends string, I extends AddressItem> {
  server: ServerModel;
  /** The collection it was found in, as `collections` names it. */
  collection: C;
  item: I;
}

/**
 * The items of the named collections of every server that `wanted` picks, in order, each
 * written entry once. The others are passed over before their sources are compared: a large
 * policy's servers hold millions of address items, whose sources would all be kept to find
 * the few domain entries a rule asks about.
 */
export function writtenOnce<C extends string, I extends AddressItem>(
  model: PolicyModel,
  collections: (config: ServerConfig) => Record<C, AddressItem[]>,
  wanted: (item: AddressItem) => item is I,
): WrittenEntry<C, I>[] {
  const seen = new Set<string>();
  const entries: WrittenEntry<C, I>[] = [];
  for (const server of model.servers) {
    for (const [collection, items] of Object.entries(collections(server.config)) as [C, AddressItem[]][]) {
      for (const item of items) {
        if (!wanted(item) || seen.has(item.source)) continue;
        seen.add(item.source);
        entries.push({ server, collection, item });
      }
    }
  }
  return entries;
}

export function isDomainItem(item: AddressItem): item is DomainItem {
  return item.kind === 'domain';
}
