// How long a session may sit idle given how many slots are taken, and the refusal of a
// connection that gets no slot (who gets a slot is runtime/state/slot-rules.ts):
//
//  - stress: once half of the slots are taken, a session must complete a command within
//    STRESS_IDLE_MS (Postfix's stress-mode smtpd_timeout), so that held slots come free in
//    seconds instead of minutes. smtp-server's own socket timeout restarts on every byte, so
//    this one, which restarts only on complete commands, is what cuts a trickling client.
import type { Socket } from 'node:net';
import { formatReply, type SmtpReply } from '../policy/types.js';
import { clientNetwork } from '../../net/client-network.js';
import type { ConnectionCounter } from '../state/connection-counter.js';
import { underStress, type SlotLimits, type SlotRefusal } from '../state/slot-rules.js';
import type { ServerRuntime } from './server-runtime.js';
import { serverReplies } from './server-replies.js';

export const STRESS_IDLE_MS = 10_000;

// the slot rules, for the session and the tests that check them with the idle timeouts
export { admitToSlot, perNetworkLimit, reservedSlots, SLOT_REFUSALS, underStress, type SlotRefusal } from '../state/slot-rules.js';

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
