// What a client may do on one listener of one server, as exact address sets: the things a
// review asks about a policy change ("who can now connect, relay, send a password in
// clear, skip TLS?"). The sets come from the analysis the lint rules use
// (compiler/analysis); whatever does not depend on the client address (is a password
// accepted before TLS? is TLS required before MAIL?) is asked of runtime/policy itself,
// so the meaning of a setting is never re-implemented here.
//
// Whose address: `connect`, `proxy`, `clear-auth` and `tls-required` are about the TCP
// peer connecting as itself (what the connection list sees); `relay` is about the real
// clients who can relay without logging in by any way in (directly, through a trusted
// balancer, with a forged PROXY header, behind a declared gateway), as the relay
// analysis computes them.

import { AddressSet } from '../net/address-set.js';
import { cidrSet, connectableSet, peersOf, relayPaths, type RelayPath } from '../compiler/index.js';
import type { AddressItem, ListenConfig } from '../runtime/config/index.js';
import { decideAuth, decideMail, replies, revealsSecret, type CompiledServer, type SmtpReply } from '../runtime/policy/index.js';

export const CAPABILITIES = ['connect', 'proxy', 'relay', 'clear-auth', 'tls-required'] as const;
export type Capability = (typeof CAPABILITIES)[number];

/** What each capability means, as a sentence about the addresses in its set. */
export const CAPABILITY_WORDS: Record<Capability, { may: string; mayNoLonger: string; title: string; yes: string; no: string }> = {
  connect: { may: 'may connect', mayNoLonger: 'may no longer connect', title: 'connect', yes: 'connects', no: 'refused' },
  proxy: {
    may: 'may send a PROXY header that is believed (and so speak for any address)',
    mayNoLonger: 'no longer have their PROXY header believed',
    title: 'PROXY header trusted',
    yes: 'header believed',
    no: 'header refused',
  },
  relay: { may: 'may relay without logging in', mayNoLonger: 'may no longer relay without logging in', title: 'relay', yes: 'relays', no: 'relay refused' },
  'clear-auth': {
    may: 'may send a password before TLS (AUTH in clear)',
    mayNoLonger: 'may no longer send a password before TLS',
    title: 'AUTH in clear',
    yes: 'password accepted before TLS',
    no: 'no password before TLS',
  },
  'tls-required': { may: 'must use TLS before AUTH and MAIL', mayNoLonger: 'no longer need TLS before AUTH and MAIL', title: 'TLS required', yes: 'TLS required', no: 'TLS not required' },
};

export interface ListenerCapabilities {
  listen: ListenConfig;
  /** `0.0.0.0:25`: how a listener is matched between the two sides of a diff. */
  key: string;
  sets: Record<Capability, AddressSet>;
  /** The relay analysis' ways in, for witness sessions. */
  relayPaths: RelayPath[];
}

/** Any address: the decisions asked below do not read the client address at all. */
const ANY_CLIENT = '192.0.2.1';

export function listenerKey(listen: ListenConfig): string {
  return listen.address.includes(':') ? `[${listen.address}]:${listen.port}` : `${listen.address}:${listen.port}`;
}

/**
 * `gateways`: the gateways to assume, when not the server's own. Declaring a gateway changes
 * no decision (the server cannot see through one); it tells the analysis that everyone
 * behind that address shares its grants. A diff assumes the gateways either side declares,
 * so that declaring one shows no change in who may relay, and a grant that now covers one
 * shows everyone behind it.
 */
export function listenerCapabilities(server: CompiledServer, gateways: readonly AddressItem[] = server.config.gateways): ListenerCapabilities[] {
  const config = { ...server.config, gateways: [...gateways] };
  const proxies = cidrSet(config.proxyProtocol);
  const connectable = connectableSet(config.connections);
  const clearAuth = acceptsSecretBeforeTls(server);
  const tlsBeforeMail = requiresTlsBeforeMail(server);
  return relayPaths(config).map(({ listen, paths }) => {
    const peers = peersOf(listen);
    // A peer on the proxy list must send a header: connecting as itself it gets no greeting.
    const connect = peers.difference(proxies).intersect(connectable);
    const plain = listen.tlsMode === 'starttls';
    return {
      listen,
      key: listenerKey(listen),
      sets: {
        connect,
        proxy: proxies.intersect(peers),
        relay: paths.reduce((all, path) => all.union(path.clients), AddressSet.EMPTY),
        'clear-auth': plain && clearAuth ? connect : AddressSet.EMPTY,
        'tls-required': !plain || tlsBeforeMail ? connect : AddressSet.EMPTY,
      },
      relayPaths: paths,
    };
  });
}

/** Does the server start AUTH with a mechanism that reveals the password, in a session without TLS? */
export function acceptsSecretBeforeTls(server: CompiledServer): boolean {
  return [...server.mechanisms.keys()].some(
    (mechanism) => revealsSecret(mechanism) && decideAuth(server, { clientAddress: ANY_CLIENT, tls: null, user: null }, mechanism).decision === 'accept',
  );
}

/** Is MAIL refused until STARTTLS, whoever the client is? */
export function requiresTlsBeforeMail(server: CompiledServer): boolean {
  const mail = decideMail(server, { clientAddress: ANY_CLIENT, tls: null, user: null, mailFrom: '' });
  return mail.decision === 'refuse' && sameReply(mail.reply, replies.starttlsFirst);
}

/** The same reply, text included: 530 5.7.0 is also "Authentication required". */
export function sameReply(a: SmtpReply, b: SmtpReply): boolean {
  return a.code === b.code && a.enhanced === b.enhanced && a.text === b.text;
}
