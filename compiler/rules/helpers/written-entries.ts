// A named list is expanded into every server that uses it, so one entry as written (one
// `source`) is an item of each of those servers' configs. A finding about the written entry
// itself (not about what it does in one server) is reported once: with the first server, and
// the first of its collections, that has it.

import type { AddressItem, ServerConfig } from '../../../runtime/config/types.js';
import type { PolicyModel, ServerModel } from '../../model.js';

export interface WrittenEntry<C extends string> {
  server: ServerModel;
  /** The collection it was found in, as `collections` names it. */
  collection: C;
  item: AddressItem;
}

/** The items of the named collections of every server, in order, each written entry once. */
export function writtenOnce<C extends string>(model: PolicyModel, collections: (config: ServerConfig) => Record<C, AddressItem[]>): WrittenEntry<C>[] {
  const seen = new Set<string>();
  const entries: WrittenEntry<C>[] = [];
  for (const server of model.servers) {
    for (const [collection, items] of Object.entries(collections(server.config)) as [C, AddressItem[]][]) {
      for (const item of items) {
        if (seen.has(item.source)) continue;
        seen.add(item.source);
        entries.push({ server, collection, item });
      }
    }
  }
  return entries;
}
