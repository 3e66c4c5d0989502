// Who gets one of a server's connection slots, and how long a session may sit idle, given
// the configured limits. The numbers below are derived from `connections` and
// `connections-per-address` rather than configured, so that the defaults hold against an
// attacker without any setting (SECURITY.md states what each one guarantees):
//
//  - per network: the clients of one IPv4 /24 or IPv6 /64 hold at most a fifth of the
//    slots (never fewer than one address may hold), so that ten addresses of one network
//    cannot fill the server, as they could with ten connections per address alone;
//  - reserved: the last tenth of the slots is kept for clients that completed a transaction
//    recently (good-clients.ts), so that an attacker spread over many networks fills at
//    most nine tenths;
//  - stress: once half of the slots are taken, a session must complete a command within
//    STRESS_IDLE_MS (Postfix's stress-mode smtpd_timeout), so that held slots come free in
//    seconds instead of minutes. smtp-server's own socket timeout restarts on every byte, so
//    this one, which restarts only on complete commands, is what cuts a trickling client.
import type { Socket } from 'node:net';
import type { LimitsConfig } from '../config/types.js';
import { formatReply, type SmtpReply } from '../policy/types.js';
import { clientNetwork } from '../../net/client-network.js';
import type { ConnectionCounter } from './connection-counter.js';
import type { ServerRuntime } from './server-runtime.js';
import { serverReplies } from './server-replies.js';

export const STRESS_IDLE_MS = 10_000;

/** Why a connection got no slot: the `reason` of its log line and metric label. */
export const SLOT_REFUSALS = ['max-connections', 'max-connections-per-address', 'max-connections-per-network'] as const;
export type SlotRefusal = (typeof SLOT_REFUSALS)[number];

type SlotLimits = Pick<LimitsConfig, 'maxConnections' | 'maxConnectionsPerAddress' | 'idleTimeoutMs'>;

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

/** The idle timeout a session gets now: shorter under stress, never longer than configured. */
export function idleTimeoutNow(limits: SlotLimits, counter: ConnectionCounter): number {
  return idleTimeoutFor(limits, underStress(limits, counter));
}

/** The same, when whether the server is under stress is known (from the shared state). */
export function idleTimeoutFor(limits: SlotLimits, stressed: boolean): number {
  return stressed ? Math.min(limits.idleTimeoutMs, STRESS_IDLE_MS) : limits.idleTimeoutMs;
}

/** Answers a connection that gets no slot with its 421 and closes it, logged and counted. */
export function refuseSlot(rt: ServerRuntime, socket: Socket, address: string, refusal: SlotRefusal): void {
  const reply = slotRefusalReply(rt.config.hostname, address, refusal);
  rt.metrics.connectionsRefused.inc({ server: rt.config.name, reason: refusal });
  rt.logger.warn({ event: 'refused', client: address, reason: refusal, reply: formatReply(reply) }, 'refused');
  socket.on('error', () => {});
  socket.end(`${reply.code} ${reply.enhanced} ${reply.text}\r\n`);
  // a client that never reads its refusal must not keep the socket open
  setTimeout(() => socket.destroy(), 1000).unref();
}

export function slotRefusalReply(host: string, address: string, refusal: SlotRefusal): SmtpReply {
  if (refusal === 'max-connections') return serverReplies.tooManyConnections(host);
  if (refusal === 'max-connections-per-address') return serverReplies.tooManyConnectionsFromAddress(host, address);
  return serverReplies.tooManyConnectionsFromNetwork(host, clientNetwork(address));
}
