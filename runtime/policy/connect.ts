// Connection control (the article's "only the list below" / "all except the list below").
// Address entries decide on their own; domain entries need the client's forward-confirmed
// PTR name, and when that is unknown the answer is a temporary refusal, never an admission.
import { parseAddress, type ParsedAddress } from '../../net/ip.js';
import type { CompiledServer } from './compile.js';
import { rateDecision } from './rate-limits.js';
import { replies } from './replies.js';
import { checkReverseName, describeEntry } from './reverse-dns.js';
import type { ServerConfig } from '../config/types.js';
import type { Decision, SessionFacts, SmtpReply, TraceStep } from './types.js';

/** The parts of a connection decision that depend on the server only, computed by compilePolicy. */
export interface PreparedConnect {
  allowList: boolean;
  /** `connection allow-list` or `connection deny-list`, as traces name the list. */
  listName: string;
  /** The first trace step of every connection decision. */
  header: TraceStep;
  /** The step when no entry matches and the list has no domain entries. */
  noEntryMatches: TraceStep;
  greeting: SmtpReply;
}

export function prepareConnect(config: ServerConfig): PreparedConnect {
  const control = config.connections;
  const allowList = control.mode === 'allow-list';
  return Object.freeze({
    allowList,
    listName: `connection ${control.mode}`,
    header: Object.freeze({
      step: 'connection control',
      result: allowList
        ? `allow-list: only clients matching an entry may connect (${control.entries.length} entries)`
        : `deny-list: every client except those matching an entry may connect (${control.entries.length} entries)`,
      source: control.source,
    }),
    noEntryMatches: Object.freeze({
      step: `client in connection ${control.mode}`,
      result: allowList ? 'no entry matches: refused' : 'no entry matches: admitted',
      source: control.source,
    }),
    greeting: Object.freeze(replies.greeting(config.hostname, config.banner)),
  });
}

/**
 * Connection control, then the connection rate limits (rate-limits.ts) for a client it
 * admits: a client the list refuses gets its final 554, not a 421 that invites it back.
 */
export function decideConnect(server: CompiledServer, facts: SessionFacts): Decision {
  const decision = decideConnectionControl(server, facts);
  if (decision.decision !== 'accept') return decision;
  const rates = rateDecision(server, 'connection', facts);
  if (rates.trace.length === 0) return decision;
  const trace = [...decision.trace, ...rates.trace];
  return rates.refused ? { decision: 'tempfail', stage: 'connect', reply: rates.reply, trace, rateLimit: rates.limit } : { ...decision, trace };
}

function decideConnectionControl(server: CompiledServer, facts: SessionFacts): Decision {
  const prepared = server.connect;
  const allowList = prepared.allowList;
  // The header step is the same for every client of this server: built once, shared (frozen).
  const trace: TraceStep[] = [prepared.header];

  const address = parseAddress(facts.clientAddress);
  if (address === undefined) {
    trace.push({ step: 'client address', result: `${JSON.stringify(facts.clientAddress)} is not an IP address`, source: null });
    return connectAnswer(server, false, trace);
  }

  const hit = server.connections.matchAddress(address);
  if (hit !== undefined) {
    trace.push({
      step: `client address ${address.text} in ${prepared.listName}`,
      result: `matched ${describeEntry(hit, hit.cidr)}`,
      source: hit.source,
    });
    return connectAnswer(server, allowList, trace);
  }
  trace.push({ step: `client address ${address.text} in ${prepared.listName}`, result: 'no address entry matches', source: null });

  if (server.connections.domainCount === 0) {
    trace.push(prepared.noEntryMatches);
    return connectAnswer(server, !allowList, trace);
  }

  const control = server.config.connections;
  const name = checkReverseName(server.connections, facts);
  const step = `client PTR name in ${prepared.listName} domain entries`;
  switch (name.kind) {
    case 'matched':
      trace.push({ step, result: `${name.name} matched ${describeEntry(name.item, name.item.domain)}`, source: name.item.source });
      return connectAnswer(server, allowList, trace);
    case 'not-matched':
      trace.push({ step, result: `${name.result}: ${allowList ? 'refused' : 'admitted'}`, source: control.source });
      return connectAnswer(server, !allowList, trace);
    case 'unknown':
      trace.push({ step, result: `${name.result}: failing closed`, source: control.source });
      return {
        decision: 'tempfail',
        stage: 'connect',
        reply: name.notLookedUp ? replies.lookupNotMade : replies.connectLookupFailed,
        trace,
        ...(name.notLookedUp ? { needsReverseDns: true } : {}),
      };
  }
}

// A plain function, not a closure per call: decisions run for every connection.
function connectAnswer(server: CompiledServer, admitted: boolean, trace: TraceStep[]): Decision {
  return admitted
    ? { decision: 'accept', stage: 'connect', reply: server.connect.greeting, trace }
    : { decision: 'refuse', stage: 'connect', reply: replies.accessDenied, trace };
}

/**
 * Does the connection (or relay) decision for this client depend on a reverse lookup?
 * False when the address alone refuses the connection, or when neither list has a domain
 * entry that the address leaves undecided. Relay grants count even though the client may
 * later authenticate: the lookup has to be made before that is known.
 */
export function needsReverseDns(server: CompiledServer, clientAddress: string): boolean {
  const address = parseAddress(clientAddress);
  if (address === undefined) return false; // refused without DNS
  const connectHit = server.connections.matchAddress(address) !== undefined;
  const allowList = server.config.connections.mode === 'allow-list';
  const hasConnectDomains = server.connections.domainCount > 0;
  if (!allowList && connectHit) return false; // denied by address
  if (allowList && !connectHit && !hasConnectDomains) return false; // no entry can admit it
  const connectNeeds = !connectHit && hasConnectDomains;
  return connectNeeds || relayNeedsReverseDns(server, address);
}

function relayNeedsReverseDns(server: CompiledServer, address: ParsedAddress): boolean {
  const relay = server.config.relay;
  if (relay.anyone || server.relay.domainCount === 0) return false;
  return server.relay.matchAddress(address) === undefined;
}
