// What a probe is, and the bookkeeping every probe shares: the sessions it opened (closed
// afterwards whatever happens, their transcripts kept for a failure report) and the
// policy facts of a client as the server will see them.
import type { RuntimeConfig } from '../runtime/config/types.js';
import { createReverseLookup, type ReverseLookup } from '../runtime/dns/reverse-lookup.js';
import { needsReverseDns, type CompiledServer, type SessionFacts, type TlsFacts } from '../runtime/policy/index.js';
import { normalizeAddress } from '../net/ip.js';
import { hostPort, type ProbeEndpoint } from './endpoints.js';
import { SmtpClient, SmtpSessionError, type NegotiatedTls, type TlsClientOptions } from './smtp-client.js';
import type { ProbeStatus, VerifyOptions } from './types.js';

export interface ProbeOutcome {
  status: ProbeStatus;
  expected: string;
  observed: string;
  reason?: string;
  /** When the deciding policy line is only known after running (e.g. which entry matched). */
  source?: string | null;
}

export interface Probe {
  id: string;
  title: string;
  source: string | null;
  run(session: ProbeSessions): Promise<ProbeOutcome>;
}

export function skipped(expected: string, reason: string): ProbeOutcome {
  return { status: 'skipped', expected, observed: '', reason };
}

export function verdict(pass: boolean, expected: string, observed: string, source?: string | null): ProbeOutcome {
  return { status: pass ? 'pass' : 'fail', expected, observed, ...(source === undefined ? {} : { source }) };
}

/** What every probe of a run shares. */
export class VerifyContext {
  #reverseLookup: ReverseLookup | undefined;
  constructor(
    readonly config: RuntimeConfig,
    readonly options: VerifyOptions,
  ) {}

  get now(): Date {
    return this.options.now?.() ?? new Date();
  }

  /**
   * The facts the server will decide on for a client at `address`. When its policy depends
   * on reverse DNS, verify asks the policy's own resolver the way the server does, so the
   * expectation is what the server should conclude.
   */
  async facts(server: CompiledServer, address: string, tls?: NegotiatedTls | null): Promise<SessionFacts> {
    const clientAddress = normalizeAddress(address);
    const facts: SessionFacts = { clientAddress };
    if (needsReverseDns(server, clientAddress)) {
      this.#reverseLookup ??= createReverseLookup(this.config.resolver);
      facts.reverseDns = await this.#reverseLookup.lookup(clientAddress);
    }
    if (tls) facts.tls = tlsFacts(tls);
    return facts;
  }
}

export function tlsFacts(tls: NegotiatedTls): TlsFacts {
  return { version: tls.version, cipher: tls.cipher, cipherBits: tls.cipherBits };
}

/** The sessions of one probe: opened through here, closed and transcribed by the runner. */
export class ProbeSessions {
  readonly #clients: SmtpClient[] = [];
  readonly #notes: string[] = [];

  constructor(readonly context: VerifyContext) {}

  /** Connects to the listener (with the TLS handshake first on implicit-TLS listeners). */
  async connect(endpoint: ProbeEndpoint, sourceAddress: string | undefined, implicitTls?: TlsClientOptions): Promise<SmtpClient> {
    const options = {
      host: endpoint.host,
      port: endpoint.port,
      timeoutMs: this.context.options.timeoutMs + endpoint.server.config.limits.greetingDelayMs,
      ...(sourceAddress ? { localAddress: sourceAddress } : {}),
    };
    try {
      const client = await SmtpClient.connect(
        endpoint.listen.tlsMode === 'implicit'
          ? { ...options, implicitTls: implicitTls ?? { servername: endpoint.server.config.hostname } }
          : options,
      );
      this.#clients.push(client);
      return client;
    } catch (error) {
      if (error instanceof SmtpSessionError) this.#notes.push(...error.transcript);
      this.#notes.push(`* ${hostPort(endpoint.host, endpoint.port)}${sourceAddress ? ` from ${sourceAddress}` : ''}: ${(error as Error).message}`);
      throw error;
    }
  }

  transcript(): string[] {
    return [...this.#clients.flatMap((client, i) => (i === 0 ? client.transcript : ['* ---', ...client.transcript])), ...this.#notes];
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.#clients.map((client) => client.quit()));
  }
}
