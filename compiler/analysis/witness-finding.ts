// What every finding that rests on a relay witness shares: the first witness runtime/policy
// confirms, the relay grant that let it through (to report at), and the words and the
// `explain` command that show it.

import type { AddressItem } from '../../runtime/config/types.js';
import type { CompiledServer } from '../../runtime/policy/index.js';
import { decideArrival } from '../../runtime/policy/index.js';
import { parseAddress } from '../../net/ip.js';
import type { PolicyModel } from '../model.js';
import { explainCommand, witnessArrival, witnessRelays } from './relay-probe.js';
import type { RelayWitness } from './relay-paths.js';

export function confirmedWitness(server: CompiledServer, witnesses: readonly RelayWitness[]): RelayWitness | undefined {
  return witnesses.find((witness) => witnessRelays(server, witness));
}

/** The relay grant the witness's session relays by: its address grant, its domain grant, or undefined for `anyone`. */
export function grantFor(server: CompiledServer, witness: RelayWitness): AddressItem | undefined {
  if (server.config.relay.anyone) return undefined;
  const arrival = decideArrival(server, witnessArrival(witness));
  if (arrival.decision !== 'accept') return undefined;
  const address = parseAddress(arrival.clientAddress);
  const byAddress = address === undefined ? undefined : server.relay.matchAddress(address);
  if (byAddress !== undefined) return byAddress;
  return witness.ptr === undefined ? undefined : server.relay.matchName(witness.ptr);
}

/** `a PROXY header from 8.8.8.8 claiming 10.0.0.0`: the witness session in words. */
export function describeWitness(witness: RelayWitness): string {
  const ptr = witness.ptr === undefined ? '' : ` (PTR ${witness.ptr})`;
  if (witness.viaGateway !== undefined) return `a client at ${witness.client} reaching the server through ${witness.viaGateway}`;
  if (witness.proxyLocal === true) return `a PROXY v2 LOCAL session from ${witness.client} (the balancer's own)`;
  if (witness.proxyFrom !== undefined) return `a PROXY header from ${witness.proxyFrom} claiming ${witness.client}${ptr}`;
  return `a client at ${witness.client}${ptr}`;
}

/** The explain command for the policy's entry file. */
export function reproduce(model: PolicyModel, server: CompiledServer, witness: RelayWitness): string {
  return explainCommand(model.files[0]?.displayName ?? 'policy.smtppolicy', server, witness);
}
