// The policy line behind a cell of the map: runtime/policy is asked about the cell's first
// address (every address of a cell is in one category), and the last line its trace names
// is the one that decided: the grant that lets it relay, the entry that refuses it.

import type { Capability } from '../capabilities.js';
import { probe, type Probe } from '../probes.js';
import { sessionsFor } from '../witness.js';
import type { Category, ServerMap } from './categories.js';

export function decidingProbe(map: ServerMap, category: Category, address: string): Probe | undefined {
  const capability: Capability = category === 'refused' ? 'connect' : category;
  const listener = category === 'refused' ? map.listeners[0] : map.listeners.find((l) => l.sets[capability].has(address));
  if (listener === undefined) return undefined;
  const side = { server: map.server, listen: listener.listen };
  const probes = sessionsFor(capability, address, listener).map((session) => probe(side, capability, session));
  return probes.find((p) => p.holds) ?? probes[0];
}
