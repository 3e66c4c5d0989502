// One session per capability, asked of runtime/policy (the one definition of what a config
// means), with the trace of what decided it. A diff's witness is confirmed this way on both
// sides, and the trace's policy lines are "the lines responsible": the entry that now
// grants, the setting that used to refuse.

import { describeListener, peersOf, PROBE_SENDER, probeRecipient, witnessArrival, type RelayWitness } from '../compiler/index.js';
import type { ListenConfig } from '../runtime/config/index.js';
import {
  decideArrival,
  decideAuth,
  decideConnect,
  decideMail,
  decideSession,
  replies,
  revealsSecret,
  type CompiledServer,
  type ReverseDnsResult,
  type SessionFacts,
  type TlsFacts,
  type TraceStep,
} from '../runtime/policy/index.js';
import type { Capability } from './capabilities.js';
import { sameReply } from './capabilities.js';

/** A session in the terms `explain` takes: the relay analysis' witness shape, for every capability. */
export type Session = RelayWitness;

export interface Probe {
  /** Does the capability hold for this session? */
  holds: boolean;
  trace: TraceStep[];
  /** The policy line that decided (the last step of the trace that names one), `file:line:column`. */
  decidedBy: string | null;
}

/** Relay sessions are encrypted where the server can: TLS never stands between a client and relaying. */
const STRONG_TLS: TlsFacts = { version: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384', cipherBits: 256 };

/** The side of a diff a probe runs on: a server and one of its listeners, either of which may not exist there. */
export interface Side {
  server: CompiledServer | undefined;
  listen: ListenConfig | undefined;
}

export function probe(side: Side, capability: Capability, session: Session): Probe {
  const { server, listen } = side;
  if (server === undefined) return answer(false, [{ step: 'server', result: 'not in this policy', source: null }]);
  if (listen === undefined) return answer(false, [{ step: 'listener', result: 'not in this policy', source: server.config.source }]);
  const peer = session.proxyFrom ?? session.viaGateway ?? session.client;
  if (!peersOf(listen).has(peer)) {
    return answer(false, [{ step: `listener ${describeListener(listen)}`, result: `${peer} cannot reach it`, source: listen.source }]);
  }
  if (capability === 'proxy') {
    // Any claim will do: whether the header is believed depends on the peer alone.
    const arrival = decideArrival(server, { peerAddress: session.client, proxyClaim: '192.0.2.1' });
    return answer(arrival.decision === 'accept', arrival.trace);
  }
  const arrival = decideArrival(server, witnessArrival(session));
  if (arrival.decision !== 'accept') return answer(false, arrival.trace);
  const reverseDns: ReverseDnsResult = session.ptr === undefined ? { status: 'none' } : { status: 'found', name: session.ptr, confirmed: true };
  const facts: SessionFacts = { clientAddress: arrival.clientAddress, reverseDns, tls: null, user: null, mailFrom: PROBE_SENDER };

  if (capability === 'relay') {
    const relay = decideSession(server, { ...facts, tls: server.config.tls ? STRONG_TLS : null, rcptTo: probeRecipient(server) });
    return answer(relay.decision === 'accept' && relay.stage === 'rcpt' && relay.route === 'relay', [...arrival.trace, ...relay.trace]);
  }
  const connect = decideConnect(server, facts);
  const trace = [...arrival.trace, ...connect.trace];
  if (connect.decision !== 'accept' || capability === 'connect') return answer(connect.decision === 'accept', trace);

  if (capability === 'clear-auth') {
    if (listen.tlsMode === 'implicit') return answer(false, [...trace, implicitTls(listen)]);
    const revealing = [...server.mechanisms.keys()].filter(revealsSecret);
    if (revealing.length === 0) return answer(false, [...trace, { step: 'AUTH mechanisms that reveal the password', result: 'none configured', source: server.config.auth.source }]);
    const decisions = revealing.map((mechanism) => decideAuth(server, facts, mechanism));
    const accepted = decisions.find((d) => d.decision === 'accept');
    return answer(accepted !== undefined, [...trace, ...(accepted ?? decisions[0]!).trace]);
  }
  // tls-required
  if (listen.tlsMode === 'implicit') return answer(true, [...trace, implicitTls(listen)]);
  const mail = decideMail(server, facts);
  return answer(mail.decision === 'refuse' && sameReply(mail.reply, replies.starttlsFirst), [...trace, ...mail.trace]);
}

function implicitTls(listen: ListenConfig): TraceStep {
  return { step: `listener ${listen.address}:${listen.port}`, result: 'implicit TLS: every session is encrypted from the first byte', source: listen.source };
}

function answer(holds: boolean, trace: TraceStep[]): Probe {
  const decidedBy = [...trace].reverse().find((step) => step.source !== null)?.source ?? null;
  return { holds, trace, decidedBy };
}
