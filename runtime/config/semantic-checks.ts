// Rules of a valid config that JSON Schema cannot state: normal forms of addresses and
// networks, unique names, references between parts, port ranges inside strings.
import { parseAddress, parseCidr } from '../../net/ip.js';
import type { ConfigProblem } from './config-error.js';
import type { AddressItem, RuntimeConfig, ServerConfig } from './types.js';

export function semanticProblems(config: RuntimeConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const problem = (pointer: string, message: string) => problems.push({ pointer, message });

  const checkAddress = (pointer: string, address: string) => {
    const parsed = parseAddress(address);
    if (parsed === undefined) problem(pointer, `must be an IP address; found ${JSON.stringify(address)}`);
    else if (parsed.text !== address) problem(pointer, `must be normalised: write ${JSON.stringify(parsed.text)}`);
  };
  const checkItems = (pointer: string, items: readonly AddressItem[]) =>
    items.forEach((item, index) => {
      if (item.kind !== 'cidr') return;
      const network = parseCidr(item.cidr);
      const at = `${pointer}/${index}/cidr`;
      if (network === undefined) problem(at, `must be a CIDR network; found ${JSON.stringify(item.cidr)}`);
      else if (network.hadHostBits) problem(at, `has host bits set: the network is ${JSON.stringify(network.text)}`);
      else if (network.text !== item.cidr) problem(at, `must be normalised: write ${JSON.stringify(network.text)}`);
    });

  config.resolver.servers.forEach((server, index) => checkResolverServer(`/resolver/servers/${index}`, server, problem));

  const storeNames = new Set<string>();
  config.userStores.forEach((store, index) => {
    if (storeNames.has(store.name)) problem(`/userStores/${index}/name`, `duplicate user store name ${JSON.stringify(store.name)}`);
    storeNames.add(store.name);
  });

  const endpoints = new Map<string, string>();
  const checkEndpoint = (pointer: string, address: string, port: number) => {
    checkAddress(`${pointer}/address`, address);
    const key = `${address} ${port}`;
    const previous = endpoints.get(key);
    if (previous !== undefined) problem(pointer, `${address} port ${port} is already used by ${previous}`);
    else endpoints.set(key, pointer);
  };
  config.admin?.listen.forEach((endpoint, index) => checkEndpoint(`/admin/listen/${index}`, endpoint.address, endpoint.port));

  const serverNames = new Set<string>();
  config.servers.forEach((server, s) => {
    const at = `/servers/${s}`;
    if (serverNames.has(server.name)) problem(`${at}/name`, `duplicate server name ${JSON.stringify(server.name)}`);
    serverNames.add(server.name);
    server.listen.forEach((listen, index) => {
      checkEndpoint(`${at}/listen/${index}`, listen.address, listen.port);
      if (listen.tlsMode === 'implicit' && server.tls === null) {
        problem(`${at}/listen/${index}/tlsMode`, 'implicit TLS needs a certificate, but the server has no tls');
      }
    });
    checkItems(`${at}/connections/entries`, server.connections.entries);
    checkItems(`${at}/relay/entries`, server.relay.entries);
    checkItems(`${at}/proxyProtocol`, server.proxyProtocol);
    checkItems(`${at}/gateways`, server.gateways);
    const mechanisms = new Set<string>();
    server.auth.mechanisms.forEach((mechanism, index) => {
      const pointer = `${at}/auth/mechanisms/${index}`;
      if (mechanisms.has(mechanism.mechanism)) problem(`${pointer}/mechanism`, `duplicate mechanism ${mechanism.mechanism}`);
      mechanisms.add(mechanism.mechanism);
      if (mechanism.userStore !== null && !storeNames.has(mechanism.userStore)) {
        problem(`${pointer}/userStore`, `no user store is named ${JSON.stringify(mechanism.userStore)}`);
      }
    });
    checkRecipients(at, server, storeNames, problem);
  });
  return problems;
}

function checkResolverServer(pointer: string, text: string, problem: (pointer: string, message: string) => void): void {
  const bracketed = /^\[([^\]]+)\]:(\d+)$/.exec(text);
  const v4WithPort = /^([0-9.]+):(\d+)$/.exec(text);
  const [address, port] = bracketed ? [bracketed[1]!, bracketed[2]] : v4WithPort ? [v4WithPort[1]!, v4WithPort[2]] : [text, undefined];
  const parsed = parseAddress(address);
  if (parsed === undefined) problem(pointer, `must be ip, ipv4:port or [ipv6]:port; found ${JSON.stringify(text)}`);
  else if (parsed.text !== address) problem(pointer, `address must be normalised: write ${JSON.stringify(parsed.text)}`);
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) problem(pointer, `port must be 1-65535; found ${port}`);
}

/** A recipient list belongs to one of the server's local domains, once, and names stores that exist. */
function checkRecipients(at: string, server: ServerConfig, storeNames: ReadonlySet<string>, problem: (pointer: string, message: string) => void): void {
  const local = new Set(server.localDomains.map((item) => item.domain.toLowerCase()));
  const seen = new Set<string>();
  server.recipients?.forEach((list, index) => {
    const pointer = `${at}/recipients/${index}`;
    if (!local.has(list.domain)) problem(`${pointer}/domain`, `${JSON.stringify(list.domain)} is not one of the server's localDomains`);
    if (seen.has(list.domain)) problem(`${pointer}/domain`, `a second recipient list for ${JSON.stringify(list.domain)}`);
    seen.add(list.domain);
    list.mailboxes.forEach((source, m) => {
      if (source.kind === 'users' && !storeNames.has(source.userStore)) {
        problem(`${pointer}/mailboxes/${m}/userStore`, `no user store is named ${JSON.stringify(source.userStore)}`);
      }
    });
    const aliases = new Set<string>();
    list.aliases.forEach((alias, a) => {
      if (aliases.has(alias.localPart)) problem(`${pointer}/aliases/${a}/localPart`, `a second alias ${JSON.stringify(alias.localPart)}`);
      aliases.add(alias.localPart);
    });
  });
}
