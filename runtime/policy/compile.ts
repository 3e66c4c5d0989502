// Turns a RuntimeConfig into prebuilt matchers, once per config (and again on reload), so
// that each decision is a few lookups whatever the size of the lists.
import type { AddressItem, AuthMechanismConfig, DomainItem, RuntimeConfig, ServerConfig } from '../config/types.js';
import { AddressMatcher, normalizeDomainName } from './address-matcher.js';
import { prepareConnect, type PreparedConnect } from './connect.js';
import { compileRecipients, type CompiledRecipients } from './recipients.js';

export interface CompiledServer {
  config: ServerConfig;
  /** The connection list (allow- or deny-list entries). */
  connections: AddressMatcher;
  /** Relay grants by address or reverse-DNS domain. */
  relay: AddressMatcher;
  /** Load balancers whose PROXY header is believed (arrival.ts). */
  proxy: AddressMatcher;
  /** Declared gateways: addresses that stand for every client behind them (arrival.ts). */
  gateways: AddressMatcher;
  /** Local domains by lower-case name. */
  localDomains: ReadonlyMap<string, DomainItem>;
  /** The recipient lists of local domains, by lower-case domain; a local domain without one accepts any local part. */
  recipients: ReadonlyMap<string, CompiledRecipients>;
  /** Configured SASL mechanisms by upper-case name. */
  mechanisms: ReadonlyMap<string, AuthMechanismConfig>;
  /** What every connection decision of this server shares (trace header, greeting). */
  connect: PreparedConnect;
}

export interface CompiledPolicy {
  config: RuntimeConfig;
  server(name: string): CompiledServer | undefined;
  servers: CompiledServer[];
}

/**
 * Makes the matcher of one address list. A matcher is immutable and depends on its items
 * alone, so a caller that compiles the same lists again and again (the linter on every
 * keystroke in the editor) may hand back one it built earlier from equal items.
 */
export type MakeMatcher = (items: readonly AddressItem[]) => AddressMatcher;

const newMatcher: MakeMatcher = (items) => new AddressMatcher(items);

/** Prebuilds every server's matchers. Throws (naming the entry's source) on a malformed entry. */
export function compilePolicy(config: RuntimeConfig, makeMatcher: MakeMatcher = newMatcher): CompiledPolicy {
  const servers = config.servers.map((server) => compileServer(server, makeMatcher));
  const byName = new Map(servers.map((server) => [server.config.name, server]));
  return { config, servers, server: (name) => byName.get(name) };
}

export function compileServer(config: ServerConfig, makeMatcher: MakeMatcher = newMatcher): CompiledServer {
  const localDomains = new Map<string, DomainItem>();
  for (const item of config.localDomains) {
    const name = normalizeDomainName(item.domain);
    if (!localDomains.has(name)) localDomains.set(name, item);
  }
  const mechanisms = new Map<string, AuthMechanismConfig>();
  for (const item of config.auth.mechanisms) {
    if (!mechanisms.has(item.mechanism)) mechanisms.set(item.mechanism, item);
  }
  return {
    config,
    connections: makeMatcher(config.connections.entries),
    relay: makeMatcher(config.relay.entries),
    proxy: makeMatcher(config.proxyProtocol),
    gateways: makeMatcher(config.gateways),
    localDomains,
    recipients: compileRecipients(config.recipients ?? []),
    mechanisms,
    connect: prepareConnect(config),
  };
}
