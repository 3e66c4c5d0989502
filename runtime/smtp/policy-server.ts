// One smtp-server instance per listen address. Its options switch off everything the
// policy decides instead (auth enforcement, reverse lookups, server-wide advertisement),
// and its connections are PolicyConnection instances bound to the current runtime.
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { SMTPServer, type SMTPServerAddress, type SMTPServerAuthentication, type SMTPServerAuthenticationResponse, type SMTPServerDataStream, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';
import { PolicyConnection, connectionOf, type RuntimeHolder } from './policy-connection.js';
import { sniCallback } from './tls-material.js';
import type { ListenerRuntime } from './server-runtime.js';
import { readProxyHeader } from './proxy-header-reader.js';
import { trustsProxyHeader } from '../policy/index.js';
import { clean } from '../observe/logger.js';
import { tlsErrorMessage, type TlsHandshakeError } from './tls-material.js';
import { refuseSlot } from './connection-slots.js';
import { parseAddress } from '../../net/ip.js';

type SocketOptions = ConstructorParameters<typeof PolicyConnection>[2];
type ProxySocketOptions = NonNullable<SocketOptions> & { id: string };

/** A session id in the library's format (80 random bits, base 32). */
function sessionId(): string {
  return BigInt(`0x${randomBytes(10).toString('hex')}`).toString(32).padStart(16, '0');
}

/** The client address as sessions name it (IPv4-mapped IPv6 as IPv4, IPv6 compressed). */
function clientAddress(raw: string): string {
  return parseAddress(raw)?.text ?? raw;
}

export function serverOptions(runtime: ListenerRuntime): SMTPServerOptions {
  const { config, tls } = runtime.server;
  const implicit = runtime.listen.tlsMode === 'implicit';
  const options: SMTPServerOptions = {
    name: config.hostname,
    secure: implicit,
    // every decision below is the policy's; smtp-server's own versions are disabled
    authOptional: true,
    disableReverseLookup: true,
    hideSTARTTLS: true,
    hideENHANCEDSTATUSCODES: false,
    hideDSN: true,
    hideREQUIRETLS: true,
    allowInsecureAuth: false,
    authMethods: ['PLAIN', 'LOGIN', 'CRAM-MD5', 'XOAUTH2'],
    disabledCommands: ['XCLIENT', 'XFORWARD', 'WIZ', 'SHELL', 'KILL'],
    size: config.limits.messageSizeBytes,
    maxRecipients: 0,
    rejectOversized: false,
    // the library's byte-level timeout bounds TLS handshakes and stalled DATA; the idle
    // timeout between commands is PolicyConnection's
    socketTimeout: config.limits.idleTimeoutMs,
    closeTimeout: 1000,
    maxClients: config.limits.maxConnections * 2,
    logger: false,
    useProxy: false,
  };
  if (tls) {
    Object.assign(options, tls.defaultOptions);
    options.SNICallback = sniCallback(tls);
  }
  return options;
}

export class PolicySmtpServer extends SMTPServer implements RuntimeHolder {
  runtime: ListenerRuntime;

  constructor(runtime: ListenerRuntime) {
    super(serverOptions(runtime));
    this.runtime = runtime;
  }

  /** Points new sessions at a new runtime (reload); sessions in flight keep theirs. */
  swapRuntime(runtime: ListenerRuntime): void {
    this.runtime = runtime;
    const next = serverOptions(runtime);
    this.options.size = next.size;
    this.options.socketTimeout = next.socketTimeout;
    this.options.maxClients = next.maxClients;
    this.options.name = next.name;
    if (runtime.server.tls) {
      this.options.SNICallback = next.SNICallback;
      this.updateSecureContext(runtime.server.tls.defaultOptions);
    }
  }

  override connect(socket: Socket | TLSSocket, socketOptions: SocketOptions): void {
    if (this.refusedForSlots(socket, socketOptions?.remoteAddress ?? socket.remoteAddress ?? '')) return;
    const connection = new PolicyConnection(this, socket, socketOptions);
    this.connections.add(connection);
    // a session's errors are the session's to log, with its client (see reportError)
    connection.on('error', (error: Error) => connection.reportError(error));
    connection.on('connect', (data) => this._onClientConnect(data));
    connection.init();
  }

  // An implicit-TLS handshake fails before any session exists: smtp-server reports it as
  // a server error. It is logged here once, as a session's would be, with the client.
  override _onError(error: TlsHandshakeError): void {
    if (error.meta?.stage !== 'connect') return super._onError(error);
    this.runtime.server.logger.warn({
      event: 'tls-error', client: error.meta.remoteAddress ?? null, tlsMode: 'implicit', error: clean(tlsErrorMessage(error)),
    }, 'tls-error');
  }

  // A flood of connections beyond the limits is refused before a session (its parser,
  // streams and timers) is built: refusing must cost the server less than connecting costs
  // the attacker, or the refusals themselves take the server away. True when refused.
  private refusedForSlots(socket: Socket, rawAddress: string): boolean {
    const address = clientAddress(rawAddress);
    const rt = this.runtime.server;
    const refusal = rt.limits.precheck(address);
    if (refusal) refuseSlot(rt, socket, address, refusal);
    return refusal !== null;
  }

  override _expectsProxyHeader(socket: Socket): boolean {
    return trustsProxyHeader(this.runtime.server.compiled, socket.remoteAddress ?? '');
  }

  // A trusted balancer may send either PROXY version: the first bytes tell. Version 1 (a
  // text line) is the library's; version 2 (binary) is read here. Untrusted peers never
  // get this far (see _expectsProxyHeader): their header reaches the session and is refused.
  override _handleProxy(socket: Socket, callback: (err: Error | null, socketOptions?: ProxySocketOptions) => void): void {
    if (!this._expectsProxyHeader(socket)) {
      // on a plain listener a connection without a slot is refused at once, before the
      // session id and the event-loop turn the library spends on every connection (the
      // socket's close releases what the library holds for it); on an implicit TLS listener
      // a reply can only come after the handshake (connect() refuses there)
      if (this.runtime.listen.tlsMode !== 'implicit' && this.refusedForSlots(socket, socket.remoteAddress ?? '')) return;
      return super._handleProxy(socket, callback);
    }
    const refuse = (reason: string) => {
      this.runtime.server.logger.warn({ event: 'proxy-refused', peer: socket.remoteAddress, reason }, 'PROXY header refused');
      socket.on('error', () => {});
      socket.destroy();
      callback(new Error(`invalid PROXY header: ${reason}`));
    };
    readProxyHeader(socket, (result) => {
      if (result.version === 1) {
        return super._handleProxy(socket, (err, socketOptions) => {
          // `PROXY UNKNOWN` names no client: refused, as v2's UNSPEC is (proxy-v2.ts), or the
          // session would run as the balancer, with whatever rights the balancer holds
          if (!err && !socketOptions?.remoteAddress) return refuse('PROXY v1 UNKNOWN does not name the client');
          callback(err, socketOptions);
        });
      }
      if (result.version === 'invalid') return refuse(result.reason);
      const options: ProxySocketOptions = { id: sessionId() };
      if (result.header.command === 'proxy') {
        options.remoteAddress = result.header.address;
        options.remotePort = result.header.port;
      }
      callback(null, options);
    });
  }

  // The library's handlers: the session that owns the callback answers it (policy-connection.ts).
  override onAuth(auth: SMTPServerAuthentication, session: SMTPServerSession, callback: (err: Error | null | undefined, response?: SMTPServerAuthenticationResponse) => void): void {
    connectionOf(session).onAuth(auth, callback);
  }

  override onMailFrom(address: SMTPServerAddress, session: SMTPServerSession, callback: (err?: Error | null) => void): void {
    connectionOf(session).onMailFrom(address, callback);
  }

  override onRcptTo(address: SMTPServerAddress, session: SMTPServerSession, callback: (err?: Error | null) => void): void {
    connectionOf(session).onRcptTo(address, callback);
  }

  override onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback: (err?: Error | null, message?: string) => void): void {
    connectionOf(session).onData(stream, callback);
  }

  override onSecure(socket: TLSSocket, session: SMTPServerSession, callback: (err?: Error | null) => void): void {
    const connection = connectionOf(session);
    const version = socket.getProtocol?.() ?? 'unknown';
    connection.rt.metrics.tlsSessions.inc({ server: connection.rt.config.name, version });
    callback();
  }
}
