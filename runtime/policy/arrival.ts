// Where a connection comes from, before any other decision: the client address every later
// decision is taken for. Usually the TCP peer's own address. From a trusted load balancer
// (`proxy-protocol`), the address its PROXY header names instead: whoever can send from a
// trusted address can therefore name any client address, which is why the linter asks this
// function, not a copy of it, who can reach a relay grant that way. From a declared gateway
// (`gateways`: NAT, a load balancer without PROXY, a container bridge), the gateway's own
// address, which every client behind it shares.
import { parseAddress } from '../../net/ip.js';
import type { CompiledServer } from './compile.js';
import { replies } from './replies.js';
import { describeEntry } from './reverse-dns.js';
import type { SmtpReply, TraceStep } from './types.js';

export interface ArrivalFacts {
  /** The TCP peer: the address the connection really comes from. */
  peerAddress: string;
  /** The client address a PROXY header names (v1 text or v2 binary); absent when none was sent. */
  proxyClaim?: string;
  /** A PROXY v2 `LOCAL` header: the balancer's own connection (a health check), which keeps its address. */
  proxyLocal?: boolean;
  /** `explain` only: the real client hidden behind `peerAddress` when the peer is a gateway. */
  behindGateway?: string;
}

export type ArrivalDecision =
  | { decision: 'accept'; clientAddress: string; trace: TraceStep[] }
  /** `reply` null: the connection is closed without a greeting (a trusted balancer sent no usable header). */
  | { decision: 'refuse'; reply: SmtpReply | null; trace: TraceStep[] };

/** Is a PROXY header from this peer believed? Domain entries never make a peer trusted: no lookup precedes the header. */
export function trustsProxyHeader(server: CompiledServer, peerAddress: string): boolean {
  const address = parseAddress(peerAddress);
  return address !== undefined && server.proxy.matchAddress(address) !== undefined;
}

export function decideArrival(server: CompiledServer, facts: ArrivalFacts): ArrivalDecision {
  const trace: TraceStep[] = [];
  const peer = parseAddress(facts.peerAddress);
  const trusted = peer === undefined ? undefined : server.proxy.matchAddress(peer);
  const peerText = peer?.text ?? facts.peerAddress;
  if (facts.behindGateway !== undefined) {
    trace.push({
      step: `client ${facts.behindGateway} reaches the server through ${peerText}`,
      result: `the server sees ${peerText}: the gateway's address stands for every client behind it`,
      source: null,
    });
  }

  if (facts.proxyLocal === true) {
    if (trusted === undefined) {
      trace.push({ step: `PROXY v2 LOCAL header from ${peerText}`, result: 'refused: the peer is not in the proxy-protocol list', source: server.config.proxyProtocol[0]?.source ?? null });
      return { decision: 'refuse', reply: replies.proxyNotTrusted(server.config.hostname), trace };
    }
    trace.push({
      step: `PROXY v2 LOCAL header from ${peerText}`,
      result: `believed: ${peerText} matched ${describeEntry(trusted, trusted.cidr)}; the balancer's own session keeps its address`,
      source: trusted.source,
    });
    return arrived(server, peerText, trace);
  }

  if (facts.proxyClaim === undefined) {
    if (trusted !== undefined) {
      trace.push({ step: `PROXY header from ${peerText}`, result: `none sent, but ${describeEntry(trusted, trusted.cidr)} must send one: closed without a greeting`, source: trusted.source });
      return { decision: 'refuse', reply: null, trace };
    }
    return arrived(server, peerText, trace);
  }

  if (trusted === undefined) {
    trace.push({
      step: `PROXY header from ${peerText} claiming ${facts.proxyClaim}`,
      result: server.config.proxyProtocol.length === 0 ? 'refused: the policy trusts no load balancer' : 'refused: the peer is not in the proxy-protocol list',
      source: server.config.proxyProtocol[0]?.source ?? null,
    });
    return { decision: 'refuse', reply: replies.proxyNotTrusted(server.config.hostname), trace };
  }
  const claimed = parseAddress(facts.proxyClaim);
  if (claimed === undefined) {
    trace.push({ step: `PROXY header from ${peerText}`, result: `${JSON.stringify(facts.proxyClaim)} is not an IP address: closed without a greeting`, source: trusted.source });
    return { decision: 'refuse', reply: null, trace };
  }
  trace.push({
    step: `PROXY header from ${peerText} claiming ${claimed.text}`,
    result: `believed: ${peerText} matched ${describeEntry(trusted, trusted.cidr)}, so every decision is taken for ${claimed.text}`,
    source: trusted.source,
  });
  return arrived(server, claimed.text, trace);
}

function arrived(server: CompiledServer, clientAddress: string, trace: TraceStep[]): ArrivalDecision {
  const address = parseAddress(clientAddress);
  const gateway = address === undefined ? undefined : server.gateways.matchAddress(address);
  if (gateway !== undefined) {
    trace.push({
      step: `client address ${clientAddress} in gateways`,
      result: `matched ${describeEntry(gateway, gateway.cidr)}: whatever it is granted, every client behind it is granted`,
      source: gateway.source,
    });
  }
  return { decision: 'accept', clientAddress, trace };
}
