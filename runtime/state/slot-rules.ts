// Who gets one of a server's connection slots, given the configured limits and the open
// sessions (connection-counter.ts). The numbers below are derived from `connections` and
// `connections-per-address` rather than configured, so that the defaults hold against an
// attacker without any setting (SECURITY.md states what each one guarantees):
//
//  - per network: the clients of one IPv4 /24 or IPv6 /64 hold at most a fifth of the
//    slots (never fewer than one address may hold), so that ten addresses of one network
//    cannot fill the server, as they could with ten connections per address alone;
//  - reserved: the last tenth of the slots is kept for clients that completed a transaction
//    recently (good-clients.ts), so that an attacker spread over many networks fills at
//    most nine tenths;
//  - stress: once half of the slots are taken, idle sessions get a short timeout
//    (runtime/smtp/connection-slots.ts).
// Pure arithmetic on counts: every SharedState implementation decides with it.
import type { LimitsConfig } from '../config/types.js';
import type { ConnectionCounter } from './connection-counter.js';

/** Why a connection got no slot: the `reason` of its log line and metric label. */
export const SLOT_REFUSALS = ['max-connections', 'max-connections-per-address', 'max-connections-per-network'] as const;
export type SlotRefusal = (typeof SLOT_REFUSALS)[number];

export type SlotLimits = Pick<LimitsConfig, 'maxConnections' | 'maxConnectionsPerAddress' | 'idleTimeoutMs'>;

/** Sessions one IPv4 /24 or IPv6 /64 may hold (unless the client is known good). */
export function perNetworkLimit(limits: SlotLimits): number {
  return Math.max(limits.maxConnectionsPerAddress, Math.floor(limits.maxConnections / 5));
}

/** Slots only known-good clients may take. */
export function reservedSlots(limits: SlotLimits): number {
  return Math.floor(limits.maxConnections / 10);
}

/** Whether a new connection from `address` gets a slot; the refusal reason otherwise. */
export function admitToSlot(limits: SlotLimits, counter: ConnectionCounter, address: string, knownGood: boolean): SlotRefusal | null {
  const open = knownGood ? limits.maxConnections : limits.maxConnections - reservedSlots(limits);
  if (counter.size >= open) return 'max-connections';
  if (counter.countFor(address) >= limits.maxConnectionsPerAddress) return 'max-connections-per-address';
  if (!knownGood && counter.countForNetwork(address) >= perNetworkLimit(limits)) return 'max-connections-per-network';
  return null;
}

/** Is the server under stress (half of its slots or more taken)? */
export function underStress(limits: SlotLimits, counter: ConnectionCounter): boolean {
  return counter.size * 2 >= limits.maxConnections;
}

