// Prometheus metrics of one running server process, in their own registry so that tests
// starting several servers in one process do not collide.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics, type CounterConfiguration, type HistogramConfiguration } from 'prom-client';

export interface ServerMetrics {
  registry: Registry;
  connectionsAccepted: Counter<'server'>;
  connectionsRefused: Counter<'server' | 'reason'>;
  authFailures: Counter<'server' | 'mechanism'>;
  relayDenied: Counter<'server'>;
  /** Recipients of a local domain refused because its recipient list names no such mailbox or alias (550 5.1.1). */
  recipientsUnknown: Counter<'server'>;
  /** Connections, MAIL and RCPT commands refused by a rate limit, by the limit's name (`message-rate-per-user`). */
  rateLimited: Counter<'server' | 'limit'>;
  tlsSessions: Counter<'server' | 'version'>;
  messagesAccepted: Counter<'server'>;
  /** Messages refused at the end of DATA: `size` (over the limit) or `spool-failure` (disk full, I/O error). */
  messagesRefused: Counter<'server' | 'reason'>;
  dnsLookupSeconds: Histogram<'result'>;
  queueDepth: Gauge;
  /** Delivery outcomes per recipient: `delivered`, `deferred` (retried later), `failed` (bounced), `held`. */
  deliveries: Counter<'route' | 'outcome'>;
  /** How long one delivery attempt took: a Maildir write, or one smart-host transaction. */
  deliveryAttemptSeconds: Histogram<'route'>;
  /** Delivery status notifications queued to senders of failed messages. */
  dsnQueued: Counter;
  /** 1 while the shared state's store (Redis) answers, 0 while it does not; absent without a state block. */
  stateBackendUp: Gauge<'backend'>;
  /** Decisions made without the shared state's store: refused (`fail-closed`) or by this host alone (`local`). */
  stateFallbackDecisions: Counter<'decision' | 'mode'>;
}

// Bucket bounds in seconds: a reverse lookup is answered in milliseconds or times out in a
// few seconds; a delivery attempt may wait on a slow smart host for up to a minute.
const DNS_LOOKUP_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5];
const DELIVERY_ATTEMPT_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 60];

export function createMetrics(options: { queueDepth?: () => Promise<number>; processMetrics?: boolean } = {}): ServerMetrics {
  const registry = new Registry();
  if (options.processMetrics) collectDefaultMetrics({ register: registry });
  const queueDepth = options.queueDepth;
  // Every metric of this server goes into its own registry, never the global one.
  const counter = <L extends string>(configuration: CounterConfiguration<L>) => new Counter<L>({ ...configuration, registers: [registry] });
  const histogram = <L extends string>(configuration: HistogramConfiguration<L>) => new Histogram<L>({ ...configuration, registers: [registry] });
  return {
    registry,
    connectionsAccepted: counter({ name: 'smtppolicy_connections_accepted_total', help: 'Sessions greeted with 220', labelNames: ['server'] }),
    connectionsRefused: counter({ name: 'smtppolicy_connections_refused_total', help: 'Connections refused at connect, by reason', labelNames: ['server', 'reason'] }),
    authFailures: counter({ name: 'smtppolicy_auth_failures_total', help: 'Failed AUTH attempts', labelNames: ['server', 'mechanism'] }),
    relayDenied: counter({ name: 'smtppolicy_relay_denied_total', help: 'Recipients refused because relaying was not allowed', labelNames: ['server'] }),
    recipientsUnknown: counter({ name: 'smtppolicy_recipients_unknown_total', help: 'Recipients refused because no mailbox or alias of their local domain has that name', labelNames: ['server'] }),
    rateLimited: counter({ name: 'smtppolicy_rate_limited_total', help: 'Connections, MAIL and RCPT commands refused by a rate limit, by limit (e.g. message-rate-per-user)', labelNames: ['server', 'limit'] }),
    tlsSessions: counter({ name: 'smtppolicy_tls_sessions_total', help: 'Completed TLS handshakes by protocol version', labelNames: ['server', 'version'] }),
    messagesAccepted: counter({ name: 'smtppolicy_messages_accepted_total', help: 'Messages spooled and acknowledged with 250', labelNames: ['server'] }),
    messagesRefused: counter({ name: 'smtppolicy_messages_refused_total', help: 'Messages refused at the end of DATA, by reason (size, spool-failure)', labelNames: ['server', 'reason'] }),
    dnsLookupSeconds: histogram({ name: 'smtppolicy_dns_reverse_lookup_seconds', help: 'Reverse lookups with forward confirmation (cache misses only)', labelNames: ['result'], buckets: DNS_LOOKUP_BUCKETS }),
    deliveries: counter({ name: 'smtppolicy_deliveries_total', help: 'Delivery outcomes per recipient, by route (local, relay) and outcome (delivered, deferred, failed, held)', labelNames: ['route', 'outcome'] }),
    deliveryAttemptSeconds: histogram({ name: 'smtppolicy_delivery_attempt_seconds', help: 'Duration of one delivery attempt: a Maildir write (local) or one smart-host transaction (relay)', labelNames: ['route'], buckets: DELIVERY_ATTEMPT_BUCKETS }),
    dsnQueued: counter({ name: 'smtppolicy_dsn_queued_total', help: 'Delivery status notifications (bounces) queued to the senders of failed messages' }),
    stateBackendUp: new Gauge({
      name: 'smtppolicy_state_backend_up',
      help: 'Whether the shared state store (backend="redis") answers: 1 up, 0 unreachable',
      labelNames: ['backend'],
      registers: [registry],
      // across `serve --workers`: down as soon as one worker cannot reach it
      aggregator: 'min',
    }),
    stateFallbackDecisions: counter({
      name: 'smtppolicy_state_fallback_decisions_total',
      help: 'Decisions (admit, auth, rate) made while the shared state store was unreachable, by on-unreachable mode (fail-closed: refused, local: this host alone)',
      labelNames: ['decision', 'mode'],
    }),
    queueDepth: new Gauge({
      name: 'smtppolicy_queue_depth',
      help: 'Messages in the spool waiting for delivery',
      registers: [registry],
      async collect() {
        if (queueDepth) this.set(await queueDepth());
      },
    }),
  };
}
