// Everything one virtual server's sessions need, built once per config (re)load. A session
// captures the ServerRuntime current when it connects and keeps it to the end, so a
// reload changes new sessions only.
import type { Logger } from 'pino';
import type { ServerConfig, ListenConfig } from '../config/types.js';
import type { CompiledServer } from '../policy/index.js';
import type { ReverseLookup } from '../dns/reverse-lookup.js';
import type { UserStore } from '../auth/user-store.js';
import type { ServerMetrics } from '../observe/metrics.js';
import type { Spool } from '../delivery/spool.js';
import type { MailboxLists } from '../recipients/index.js';
import type { TlsMaterial } from './tls-material.js';
import type { ServerLimits } from '../state/index.js';

export interface ServerRuntime {
  config: ServerConfig;
  compiled: CompiledServer;
  tls: TlsMaterial | null;
  reverseLookup: ReverseLookup;
  /** User stores by name. */
  credentials: ReadonlyMap<string, UserStore>;
  /** The mailboxes of this server's recipient lists, as last read. */
  mailboxes: MailboxLists;
  /**
   * Connection slots, known-good clients and the failed-login throttle, shared by every
   * process serving the policy (runtime/state: in memory, or through the cluster's primary).
   */
  limits: ServerLimits;
  spool: Spool;
  logger: Logger;
  metrics: ServerMetrics;
  /** Is the process draining (SIGTERM)? New transactions are refused then. */
  draining: () => boolean;
  /** Called after a message is spooled (wakes the delivery worker). */
  onSpooled: () => void;
}

export interface ListenerRuntime {
  server: ServerRuntime;
  listen: ListenConfig;
}

