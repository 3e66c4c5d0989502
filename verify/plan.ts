// From a policy to the list of probes to run: which listeners, from which source
// addresses, and which checks apply. Expectations are not fixed here: each probe asks
// runtime/policy when it runs, with the facts of its own session (source address as the
// server sees it, negotiated TLS, login).
import type { AddressItem } from '../runtime/config/types.js';
import { compilePolicy, decideConnect, decideRcpt, type CompiledServer } from '../runtime/policy/index.js';
import { endpointId, endpointsOf, isLoopback, type ProbeEndpoint } from './endpoints.js';
import { skipped, type Probe, type VerifyContext } from './probe.js';
import { authProbes } from './probes/auth.js';
import { connectProbe } from './probes/connect.js';
import { foreignDomain, relayProbes } from './probes/relay.js';
import { rateProbes } from './probes/rates.js';
import { recipientProbes } from './probes/recipients.js';
import { tlsProbes } from './probes/tls.js';
import { chooseLoopbackSources, type SourcePick, type UnrepresentedEntry } from './source-addresses.js';

/** At most this many relay-grant probes per server. */
const MAX_GRANT_PROBES = 8;

export class UnknownServerError extends Error {}

/** The servers to verify: all of the policy's, or the one --server names. */
export function selectedServers(context: VerifyContext): CompiledServer[] {
  const policy = compilePolicy(context.config);
  const wanted = context.options.serverName;
  const servers = wanted === undefined ? policy.servers : policy.servers.filter((s) => s.config.name === wanted);
  if (servers.length === 0) {
    const names = policy.servers.map((s) => s.config.name).join(', ') || '(none)';
    throw new UnknownServerError(`the policy has no server named '${wanted}'; its servers: ${names}`);
  }
  return servers;
}

/** Every listener verify will connect to. */
export function selectedEndpoints(context: VerifyContext): ProbeEndpoint[] {
  return selectedServers(context).flatMap((server) => endpointsOf(server, context.options.target, context.options.portMap ?? new Map()));
}

export async function planProbes(context: VerifyContext): Promise<Probe[]> {
  const probes: Probe[] = [];
  for (const server of selectedServers(context)) probes.push(...(await planServer(context, server)));
  return probes;
}

interface Sources {
  picks: SourcePick[];
  unrepresented: UnrepresentedEntry[];
  /** Chosen by the system (no --source, target not loopback): picks is empty. */
  systemChosen: boolean;
}

function sourcesFor(context: VerifyContext, server: CompiledServer, host: string): Sources {
  const given = context.options.sources ?? [];
  if (given.length > 0) return { picks: given.map((address) => ({ address, why: 'given with --source' })), unrepresented: [], systemChosen: false };
  if (isLoopback(host)) {
    const { picks, unrepresented } = chooseLoopbackSources(server.config, host === 'localhost' ? '127.0.0.1' : host);
    return { picks, unrepresented, systemChosen: false };
  }
  return { picks: [], unrepresented: [], systemChosen: true };
}

function entryText(item: AddressItem): string {
  return item.kind === 'cidr' ? item.cidr : item.domain;
}

async function planServer(context: VerifyContext, server: CompiledServer): Promise<Probe[]> {
  const endpoints = endpointsOf(server, context.options.target, context.options.portMap ?? new Map());
  const first = endpoints[0];
  if (!first) return [];
  const { picks, unrepresented, systemChosen } = sourcesFor(context, server, first.host);

  // Which chosen sources the policy admits, and which of those may relay without a login.
  const admitted: SourcePick[] = [];
  const relayRefused: SourcePick[] = [];
  const relayGranted: SourcePick[] = [];
  const foreign = `smtppolicy-verify@${foreignDomain(first)}`;
  for (const pick of picks) {
    const facts = await context.facts(server, pick.address);
    if (decideConnect(server, facts).decision !== 'accept') continue;
    admitted.push(pick);
    const rcpt = decideRcpt(server, { ...facts, user: null, rcptTo: foreign });
    if (rcpt.decision === 'accept') relayGranted.push(pick);
    else relayRefused.push(pick);
  }
  const preferred = admitted.find((p) => p.address === '127.0.0.1' || p.address === '::1') ?? admitted[0];
  // undefined: let the system choose; null: nothing admitted can be chosen.
  const source: string | undefined | null = systemChosen ? undefined : (preferred?.address ?? null);

  const probes: Probe[] = [];
  for (const endpoint of endpoints) {
    for (const pick of systemChosen ? [undefined] : picks) probes.push(connectProbe(endpoint, pick));
  }
  for (const entry of unrepresented) {
    probes.push(skippedProbe(`${endpointId(server.config, first.listen)}/${entry.list === 'relay' ? 'relay' : 'connect'}/entry/${entryText(entry.item)}`,
      `${entry.list === 'relay' ? 'relay grant' : 'connection list entry'} ${entryText(entry.item)}`, entry.item.source, entry.reason));
  }

  const checks: Probe[] = [];
  for (const endpoint of endpoints) {
    checks.push(...tlsProbes(endpoint, source ?? undefined));
    checks.push(...authProbes(endpoint, source ?? undefined, { credentials: context.options.credentials, includeWrongPassword: false }));
  }
  const outsideSource = systemChosen
    ? undefined
    : ((preferred && relayRefused.includes(preferred) ? preferred : relayRefused[0]) ?? (server.config.relay.anyone ? preferred : null) ?? null);
  checks.push(...relayProbes(first, {
    credentials: context.options.credentials,
    outsideSource,
    grantedSources: server.config.relay.anyone ? [] : relayGranted.slice(0, MAX_GRANT_PROBES),
    source: source ?? undefined,
  }));
  checks.push(...recipientProbes(first, { credentials: context.options.credentials, source: source ?? undefined }));
  // Last, so that its failed login (which servers throttle) cannot slow the others down.
  checks.push(...authProbes(first, source ?? undefined, { credentials: context.options.credentials, includeWrongPassword: true }).filter((p) => p.id.endsWith('/wrong-password')));
  // After every other probe: it spends the source's message budget for the window.
  checks.push(...rateProbes(first, source ?? undefined));

  if (source === null) {
    const reason = `no source address verify can choose is admitted by connection control (tried ${picks.map((p) => p.address).join(', ') || 'none'})`;
    return [...probes, ...checks.map((probe) => skippedProbe(probe.id, probe.title, probe.source, reason))];
  }
  return [...probes, ...checks];
}

function skippedProbe(id: string, title: string, source: string | null, reason: string): Probe {
  return { id, title, source, run: async () => skipped('', reason) };
}
