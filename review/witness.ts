// A concrete session for each change of a diff: one client the change is about, confirmed
// by runtime/policy on both sides (the capability holds on the side that grants it and not
// on the other), so a reviewer can replay it with `smtppolicy explain`.

import { examplePublicAddress, hostsOf } from '../compiler/index.js';
import type { AddressSet } from '../net/address-set.js';
import type { Capability, ListenerCapabilities } from './capabilities.js';
import { probe, type Probe, type Session, type Side } from './probes.js';

export type Direction = 'gained' | 'lost';

export interface Witness {
  session: Session;
  /** runtime/policy agrees: the capability holds on `after` exactly when the change says it does. */
  confirmed: boolean;
  before: Probe;
  after: Probe;
}

/** Clients tried per change: the first almost always confirms. */
const CANDIDATES = 8;

/**
 * A witness for `set` gaining (or losing) `capability` between `before` and `after`.
 * `granting` is the side where the capability holds: `after` for a gain, `before` for a loss.
 */
export function findWitness(change: { capability: Capability; direction: Direction; set: AddressSet }, before: Side, after: Side, granting: ListenerCapabilities): Witness | undefined {
  const { capability, set } = change;
  const clients = [examplePublicAddress(set), ...hostsOf(set, CANDIDATES)].filter((a): a is string => a !== undefined);
  const gained = change.direction === 'gained';
  let first: Witness | undefined;
  for (const client of [...new Set(clients)]) {
    for (const session of sessionsFor(capability, client, granting)) {
      const witness: Witness = { session, before: probe(before, capability, session), after: probe(after, capability, session), confirmed: false };
      witness.confirmed = gained ? witness.after.holds && !witness.before.holds : witness.before.holds && !witness.after.holds;
      if (witness.confirmed) return witness;
      first ??= witness;
    }
  }
  return first;
}

/** How the client reaches the capability on the granting side: for relay, by the way in the analysis found. */
export function sessionsFor(capability: Capability, client: string, granting: ListenerCapabilities): Session[] {
  if (capability !== 'relay') return [{ client }];
  const sessions: Session[] = [];
  for (const path of granting.relayPaths) {
    if (!path.clients.has(client)) continue;
    if (path.kind === 'direct') {
      sessions.push({ client });
      // through an honest trusted balancer, for a client the listener cannot hear itself
      const balancer = hostsOf(granting.sets.proxy, 1)[0];
      if (balancer !== undefined) sessions.push({ client, proxyFrom: balancer });
    } else if (path.kind === 'gateway') {
      for (const w of path.witnesses) sessions.push({ ...w, client });
    } else {
      // `client` is a trusted peer forging a header: it claims a granted address (or a name
      // under a granted domain, as the analysis' own witnesses do, which it makes only for
      // public forgers)
      const claims = [...hostsOf(path.granted, 4).map((address) => ({ client: address })), ...path.witnesses.map(({ client: claimed, ptr }) => (ptr === undefined ? { client: claimed } : { client: claimed, ptr }))];
      for (const claim of claims) sessions.push({ ...claim, proxyFrom: client });
    }
  }
  return sessions.length > 0 ? sessions : [{ client }];
}
