// Connection control (the article's "only the list below" / "all except the list below").
// Address entries decide on their own; domain entries need the client's forward-confirmed
// PTR name, and when that is unknown the answer is a temporary refusal, never an admission.
import { parseAddress, type ParsedAddress } from '../net/ip.js';
import type { CompiledServer } from './compile.js';
import { replies } from './replies.js';
import { checkReverseName, describeEntry } from './reverse-dns.js';
import type { Decision, SessionFacts, TraceStep } from './types.js';

export function decideConnect(server: CompiledServer, facts: SessionFacts): Decision {
  const control = server.config.connections;
  const allowList = control.mode === 'allow-list';
  const listName = `connection ${control.mode}`;
  const trace: TraceStep[] = [
    {
      step: 'connection control',
      result: allowList
        ? `allow-list: only clients matching an entry may connect (${control.entries.length} entries)`
        : `deny-list: every client except those matching an entry may connect (${control.entries.length} entries)`,
      source: control.source,
    },
  ];
  const accept = (): Decision => ({
    decision: 'accept',
    stage: 'connect',
    reply: replies.greeting(server.config.hostname),
    trace,
  });
  const refuse = (): Decision => ({ decision: 'refuse', stage: 'connect', reply: replies.accessDenied, trace });

  const address = parseAddress(facts.clientAddress);
  if (address === undefined) {
    trace.push({ step: 'client address', result: `${JSON.stringify(facts.clientAddress)} is not an IP address`, source: null });
    return refuse();
  }

  const hit = server.connections.matchAddress(address);
  if (hit !== undefined) {
    trace.push({
      step: `client address ${address.text} in ${listName}`,
      result: `matched ${describeEntry(hit, hit.cidr)}`,
      source: hit.source,
    });
    return allowList ? accept() : refuse();
  }
  trace.push({ step: `client address ${address.text} in ${listName}`, result: 'no address entry matches', source: null });

  if (server.connections.domainCount === 0) {
    trace.push({
      step: `client in ${listName}`,
      result: allowList ? 'no entry matches: refused' : 'no entry matches: admitted',
      source: control.source,
    });
    return allowList ? refuse() : accept();
  }

  const name = checkReverseName(server.connections, facts);
  const step = `client PTR name in ${listName} domain entries`;
  switch (name.kind) {
    case 'matched':
      trace.push({ step, result: `${name.name} matched ${describeEntry(name.item, name.item.domain)}`, source: name.item.source });
      return allowList ? accept() : refuse();
    case 'not-matched':
      trace.push({ step, result: `${name.result}: ${allowList ? 'refused' : 'admitted'}`, source: control.source });
      return allowList ? refuse() : accept();
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
