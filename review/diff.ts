// The semantic diff of two policies: per server and listener, the exact address sets that
// gain or lose each capability (capabilities.ts), with a witness session runtime/policy
// confirms on both sides (witness.ts), the domain entries whose hosts gain or lose
// (domains.ts), and the rights of authenticated users (users.ts). Servers are matched by
// name and listeners by address and port; one that exists on one side only is compared
// with nothing (everything it allows is gained, or lost).

import { describeListener, PUBLIC_ADDRESSES } from '../compiler/index.js';
import { AddressSet } from '../net/address-set.js';
import type { RuntimeConfig } from '../runtime/config/index.js';
import { compilePolicy, type CompiledServer } from '../runtime/policy/index.js';
import { CAPABILITIES, listenerCapabilities, type Capability, type ListenerCapabilities } from './capabilities.js';
import { countsOf, type Counts } from './counts.js';
import { domainChanges, type DomainChange } from './domains.js';
import type { Side } from './probes.js';
import { userRightChanges, type UserRightChange } from './users.js';
import { findWitness, type Direction, type Witness } from './witness.js';

export type Presence = 'added' | 'removed' | 'kept';

export interface SetChange {
  capability: Capability;
  direction: Direction;
  set: AddressSet;
  counts: Counts;
  /** How many of them are on the public Internet (compiler/analysis' definition). */
  publicCounts: Counts;
  /** undefined only when runtime/policy could not be shown a session (never expected; reported as such). */
  witness: Witness | undefined;
}

export interface ListenerDiff {
  key: string;
  /** `0.0.0.0:25 (every IPv4 interface)`. */
  description: string;
  presence: Presence;
  changes: SetChange[];
  domains: DomainChange[];
}

export interface ServerDiff {
  name: string;
  presence: Presence;
  listeners: ListenerDiff[];
  users: UserRightChange[];
}

export interface PolicyDiff {
  servers: ServerDiff[];
}

export function diffPolicies(before: RuntimeConfig, after: RuntimeConfig): PolicyDiff {
  const old = compilePolicy(before);
  const now = compilePolicy(after);
  const names = [...new Set([...now.servers, ...old.servers].map((s) => s.config.name))];
  return { servers: names.map((name) => diffServer(name, old.server(name), now.server(name))) };
}

function diffServer(name: string, before: CompiledServer | undefined, after: CompiledServer | undefined): ServerDiff {
  // Gateways are facts about the network, not decisions: assume those either side declares.
  const gateways = [...(before?.config.gateways ?? []), ...(after?.config.gateways ?? [])];
  const capsBefore = before === undefined ? [] : listenerCapabilities(before, gateways);
  const capsAfter = after === undefined ? [] : listenerCapabilities(after, gateways);
  const keys = [...new Set([...capsAfter, ...capsBefore].map((c) => c.key))];
  const listeners = keys.map((key) => {
    const b = capsBefore.find((c) => c.key === key);
    const a = capsAfter.find((c) => c.key === key);
    return diffListener({ server: before, listen: b?.listen }, { server: after, listen: a?.listen }, b, a);
  });
  return { name, presence: presence(before, after), listeners, users: userRightChanges(before?.config, after?.config) };
}

function diffListener(before: Side, after: Side, capsBefore: ListenerCapabilities | undefined, capsAfter: ListenerCapabilities | undefined): ListenerDiff {
  const listen = (after.listen ?? before.listen)!;
  const setsOf = (caps: ListenerCapabilities | undefined, capability: Capability) => caps?.sets[capability] ?? AddressSet.EMPTY;
  const changes: SetChange[] = [];
  for (const capability of CAPABILITIES) {
    const was = setsOf(capsBefore, capability);
    const is = setsOf(capsAfter, capability);
    let gained = is.difference(was);
    let lost = was.difference(is);
    if (capability === 'tls-required') {
      // Only clients that connect on the other side too: a client that can no longer
      // connect has not "stopped needing TLS", and a new one has not "started".
      gained = gained.intersect(setsOf(capsBefore, 'connect'));
      lost = lost.intersect(setsOf(capsAfter, 'connect'));
    }
    for (const [direction, set] of [['gained', gained], ['lost', lost]] as const) {
      if (set.isEmpty()) continue;
      const granting = direction === 'gained' ? capsAfter! : capsBefore!;
      const change = { capability, direction, set };
      changes.push({ ...change, counts: countsOf(set), publicCounts: countsOf(set.intersect(PUBLIC_ADDRESSES)), witness: findWitness(change, before, after, granting) });
    }
  }
  return {
    key: (capsAfter ?? capsBefore)!.key,
    description: describeListener(listen),
    presence: presence(before.listen, after.listen),
    changes,
    domains: domainChanges(before, after, capsBefore, capsAfter),
  };
}

function presence(before: unknown, after: unknown): Presence {
  return before === undefined ? 'added' : after === undefined ? 'removed' : 'kept';
}

/** What a CI job may refuse a change for (`smtppolicy diff --fail-on`). */
export const FAIL_CATEGORIES = ['relay', 'clear-auth', 'connect', 'proxy', 'tls-dropped', 'user-rights'] as const;
export type FailCategory = (typeof FAIL_CATEGORIES)[number];
/** The default: a change that lets anyone new relay, or send a password in clear. */
export const DEFAULT_FAIL_ON: readonly FailCategory[] = ['relay', 'clear-auth'];

/** The changes that fall in one of `categories`, each as one line for the exit message. */
export function failingChanges(diff: PolicyDiff, categories: readonly FailCategory[]): string[] {
  const wanted = new Set(categories);
  const found: string[] = [];
  for (const server of diff.servers) {
    for (const listener of server.listeners) {
      const where = `server ${server.name}, ${listener.key}`;
      for (const change of listener.changes) {
        const category = categoryOf(change.capability, change.direction);
        if (category !== undefined && wanted.has(category)) found.push(`${where}: ${category} (${change.capability} ${change.direction})`);
      }
      for (const change of listener.domains) {
        if (change.direction === 'gained' && wanted.has(change.capability)) found.push(`${where}: ${change.capability} (domain ${change.domain})`);
      }
    }
    if (wanted.has('user-rights')) for (const u of server.users) if (u.widens) found.push(`server ${server.name}: user-rights (${u.right})`);
  }
  return found;
}

function categoryOf(capability: Capability, direction: Direction): FailCategory | undefined {
  if (capability === 'tls-required') return direction === 'lost' ? 'tls-dropped' : undefined;
  return direction === 'gained' ? capability : undefined;
}
