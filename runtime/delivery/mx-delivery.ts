// Direct delivery (`relay-to direct`, and every `route`): the relayed recipients of a
// message, grouped by domain; each domain's mail goes to a route's host when the policy
// names one (Postfix transport_maps), otherwise to its MX hosts (RFC 5321 §5.1) on port 25,
// tried in order until one takes the transaction. The server's `hostname` is the EHLO name.
//
// TLS: STARTTLS whenever the host offers it, without checking its certificate (RFC 7435
// opportunistic security: most MX certificates do not name the host, and plaintext would
// be the alternative). A domain whose MTA-STS policy says `enforce` (RFC 8461) is different:
// only MX hosts its policy names are used, and only over TLS 1.2 or later with a valid
// certificate for the MX name; otherwise the mail waits (temporary failure).
//
// Outcomes: a null MX (RFC 7505) or a domain that does not exist fails at once (a DSN to
// the sender); a DNS outage, refused connections and 4xx replies are temporary (the worker
// retries with backoff); a 5xx reply to MAIL, RCPT or DATA is permanent for the recipients
// it concerns. Only a failure before the envelope (connect, greeting, EHLO, TLS) moves on
// to the next host: a host that answered the envelope has spoken for the domain.
import { isIP } from 'node:net';
import nodemailer from 'nodemailer';
import type { RouteConfig } from '../config/types.js';
import { addressesOf, findMailExchangers } from '../dns/mail-exchangers.js';
import type { DnsResolver } from '../dns/dns-resolver.js';
import type { AttemptError } from './delivery-state.js';
import { DestinationLimit } from './destination-limit.js';
import type { MtaSts } from './mta-sts.js';
import { mxMatchesPolicy } from './mta-sts-policy.js';
import { isEnvelopeReply, outcomesOf, type RecipientOutcome, type SmtpError } from './smtp-outcome.js';

export const SMTP_PORT = 25;

export interface MxDeliveryOptions {
  resolver: DnsResolver;
  mtaSts: MtaSts;
  /** Transactions at once per destination domain (or route host). */
  perDestination: number;
  /** SMTP timeouts (connect, greeting, inactivity); default 60 s. */
  timeoutMs?: number;
  /** Trusted CA certificates for MTA-STS-enforced hosts instead of Node's roots: tests only. */
  ca?: string | Buffer;
  random?: () => number;
  /** A domain's MTA-STS policy could not be used as published (logged by the worker). */
  onStsNote?: (domain: string, note: string) => void;
}

interface Candidate {
  /** The MX (or route) host name; the TLS server name when it is a name. */
  name: string;
  address: string;
  port: number;
  /** MTA-STS enforce: TLS required, certificate verified for `name`. */
  enforced: boolean;
}

export class MxDelivery {
  readonly #options: MxDeliveryOptions;
  readonly #limit: DestinationLimit;

  constructor(options: MxDeliveryOptions) {
    this.#options = options;
    this.#limit = new DestinationLimit(options.perDestination);
  }

  /** Delivers to every recipient's domain; the outcome per recipient address. */
  async send(routes: readonly RouteConfig[], envelope: { from: string; to: string[] }, message: Buffer, heloName: string): Promise<Map<string, RecipientOutcome>> {
    const byDomain = new Map<string, string[]>();
    for (const address of envelope.to) {
      const domain = domainOf(address);
      byDomain.set(domain, [...(byDomain.get(domain) ?? []), address]);
    }
    const results = await Promise.all(
      [...byDomain].map(([domain, to]) => {
        const route = routeFor(routes, domain);
        const destination = route ? `[${route.host}]:${route.port}` : domain;
        return this.#limit.run(destination, () => this.#deliverDomain(routes, domain, { from: envelope.from, to }, message, heloName));
      }),
    );
    return new Map(results.flatMap((outcomes) => [...outcomes]));
  }

  async #deliverDomain(routes: readonly RouteConfig[], domain: string, envelope: { from: string; to: string[] }, message: Buffer, heloName: string): Promise<Map<string, RecipientOutcome>> {
    const found = await this.#candidates(routes, domain);
    if ('outcome' in found) return new Map(envelope.to.map((address) => [address, found.outcome]));
    let last: Map<string, RecipientOutcome> | null = null;
    for (const candidate of found.candidates) {
      const attempt = await this.#sendTo(candidate, envelope, message, heloName);
      if (!attempt.tryNext) return attempt.outcomes;
      last = attempt.outcomes;
    }
    return last!;
  }

  /** The hosts to try for a domain, in order, or the outcome that makes trying pointless. */
  async #candidates(routes: readonly RouteConfig[], domain: string): Promise<{ candidates: Candidate[] } | { outcome: RecipientOutcome }> {
    const route = routeFor(routes, domain);
    if (route) {
      if (isIP(route.host) !== 0) return { candidates: [{ name: route.host, address: route.host, port: route.port, enforced: false }] };
      const found = await addressesOf(this.#options.resolver, route.host);
      if ('error' in found) return { outcome: temporary('4.4.3', `route for ${domain}: ${found.error}`) };
      if (found.addresses.length === 0) return { outcome: temporary('4.4.3', `route for ${domain}: ${route.host} has no address records`) };
      return { candidates: found.addresses.map((address) => ({ name: route.host, address, port: route.port, enforced: false })) };
    }

    const exchangers = await findMailExchangers(this.#options.resolver, domain, this.#options.random);
    if (exchangers.kind === 'null-mx') return { outcome: permanent('5.1.10', `domain ${domain} accepts no mail (null MX, RFC 7505)`) };
    if (exchangers.kind === 'no-mail-domain') return { outcome: permanent('5.1.2', exchangers.reason) };
    if (exchangers.kind === 'error') return { outcome: temporary('4.4.3', exchangers.reason) };

    const sts = await this.#options.mtaSts.policyFor(domain);
    if (sts.note) this.#options.onStsNote?.(domain, sts.note);
    const enforced = sts.policy?.mode === 'enforce';
    const hosts = enforced ? exchangers.hosts.filter((h) => mxMatchesPolicy(h.name, sts.policy!)) : exchangers.hosts;
    if (hosts.length === 0) {
      const names = exchangers.hosts.map((h) => h.name).join(', ');
      return { outcome: temporary('4.7.5', `MTA-STS policy of ${domain} (enforce) names none of its MX hosts (${names}); allowed: ${sts.policy!.mx.join(', ')}`) };
    }
    return { candidates: hosts.flatMap((h) => h.addresses.map((address) => ({ name: h.name, address, port: SMTP_PORT, enforced }))) };
  }

  async #sendTo(candidate: Candidate, envelope: { from: string; to: string[] }, message: Buffer, heloName: string): Promise<{ outcomes: Map<string, RecipientOutcome>; tryNext: boolean }> {
    const timeout = this.#options.timeoutMs ?? 60_000;
    const where = `${candidate.name} [${candidate.address}]:${candidate.port}`;
    const peer = { remoteMta: candidate.name, label: `MX ${where}${candidate.enforced ? ' (MTA-STS enforce)' : ''}` };
    const transport = nodemailer.createTransport({
      host: candidate.address,
      port: candidate.port,
      secure: false,
      name: heloName,
      requireTLS: candidate.enforced,
      // a host that refuses STARTTLS gets the mail in plaintext, as it would without STARTTLS
      opportunisticTLS: !candidate.enforced,
      tls: {
        ...(isIP(candidate.name) === 0 ? { servername: candidate.name } : {}),
        rejectUnauthorized: candidate.enforced,
        ...(candidate.enforced ? { minVersion: 'TLSv1.2' as const } : {}),
        ...(candidate.enforced && this.#options.ca !== undefined ? { ca: this.#options.ca } : {}),
      },
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
    });
    try {
      const info = (await transport.sendMail({ envelope, raw: message })) as { response?: string; rejectedErrors?: SmtpError[] };
      const outcomes = outcomesOf({ info }, envelope.to, peer);
      for (const [address, outcome] of outcomes) {
        if (outcome.kind === 'delivered') outcomes.set(address, { kind: 'delivered', detail: `${peer.label}: ${outcome.detail}` });
      }
      return { outcomes, tryNext: false };
    } catch (caught) {
      const error = caught as SmtpError;
      return { outcomes: outcomesOf({ error }, envelope.to, peer), tryNext: !isEnvelopeReply(error) };
    } finally {
      transport.close();
    }
  }
}

/** The route for a domain (routes are few: a linear search is the fast one). */
export function routeFor(routes: readonly RouteConfig[], domain: string): RouteConfig | undefined {
  return routes.find((r) => r.domain === domain);
}

export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}

function attemptError(status: string, diagnostic: string): AttemptError {
  return { status, diagnostic, diagnosticType: 'x-smtppolicy', remoteMta: null };
}

function permanent(status: string, diagnostic: string): RecipientOutcome {
  return { kind: 'permanent', error: attemptError(status, diagnostic) };
}

function temporary(status: string, diagnostic: string): RecipientOutcome {
  return { kind: 'temporary', error: attemptError(status, diagnostic) };
}
