// What a client at each address may do on a server, as four sets that partition the whole
// address space: the picture of `smtppolicy graph`. Each address gets the most it may do
// on any listener of the server: relay without logging in (any way in, as the relay
// analysis computes it) over having its PROXY header believed, over connecting, over
// being refused.

import { AddressSet } from '../../net/address-set.js';
import type { CompiledServer } from '../../runtime/policy/index.js';
import { listenerCapabilities, type ListenerCapabilities } from '../capabilities.js';

export const CATEGORIES = ['relay', 'proxy', 'connect', 'refused'] as const;
export type Category = (typeof CATEGORIES)[number];

export const CATEGORY_WORDS: Record<Category, string> = {
  relay: 'may relay without logging in',
  proxy: 'a PROXY header from here is believed',
  connect: 'may connect',
  refused: 'refused',
};

/** Colours a reader with red-green colour blindness still tells apart (ColorBrewer). */
export const CATEGORY_COLOURS: Record<Category, string> = {
  relay: '#d7301f',
  proxy: '#fdae61',
  connect: '#74add1',
  refused: '#e0e0e0',
};

export interface ServerMap {
  name: string;
  server: CompiledServer;
  listeners: ListenerCapabilities[];
  sets: Record<Category, AddressSet>;
}

export function serverMap(server: CompiledServer): ServerMap {
  const listeners = listenerCapabilities(server);
  const union = (pick: (l: ListenerCapabilities) => AddressSet) => listeners.reduce((all, l) => all.union(pick(l)), AddressSet.EMPTY);
  const relay = union((l) => l.sets.relay);
  const proxy = union((l) => l.sets.proxy).difference(relay);
  const connect = union((l) => l.sets.connect).difference(relay).difference(proxy);
  const refused = AddressSet.ALL.difference(relay).difference(proxy).difference(connect);
  return { name: server.config.name, server, listeners, sets: { relay, proxy, connect, refused } };
}
