// A small SMTP client over raw sockets for probing: it must be able to do what a polite
// client never does (AUTH before STARTTLS, a handshake that offers only TLS 1.1, RSET
// instead of DATA) and keep a transcript of every line for the report. nodemailer's client
// refuses several of these on purpose, so verify speaks the protocol itself.
//
// Secrets never enter the transcript: callers pass the text to show for a command.
import net from 'node:net';
import tls from 'node:tls';
import type { PeerCertificate } from 'node:tls';
import { cipherBits } from '../runtime/policy/index.js';

export interface SmtpResponse {
  code: number;
  /** RFC 3463 enhanced status code when the reply carries one. */
  enhanced: string | null;
  /** Every line's text after the code and separator. */
  lines: string[];
}

/** Why a session could not go on: the peer closed it, it timed out, or the network failed. */
export class SmtpSessionError extends Error {
  constructor(
    readonly kind: 'closed' | 'timeout' | 'network' | 'tls' | 'protocol',
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }

  /** The exchange up to the failure, when it happened before the caller got a client. */
  transcript: string[] = [];
}

export interface TlsClientOptions {
  /** The name to send as SNI and to check the certificate against. */
  servername?: string;
  minVersion?: tls.SecureVersion;
  maxVersion?: tls.SecureVersion;
  /** An OpenSSL cipher list (TLS 1.2 and below). */
  ciphers?: string;
}

export interface NegotiatedTls {
  version: string;
  cipher: string;
  cipherBits: number;
  certificate: PeerCertificate | null;
  /** Whether the chain verified against the system's trusted roots (reported, not required). */
  trusted: boolean;
  trustError: string | null;
}

export interface ConnectOptions {
  host: string;
  port: number;
  /** The source address to bind (a loopback alias such as 127.0.0.7). */
  localAddress?: string;
  /** Do the TLS handshake before the greeting (port 465 style). */
  implicitTls?: TlsClientOptions;
  timeoutMs: number;
}

/** The line as it appears in a transcript: control characters made visible. */
function visible(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function parseLine(line: string): { code: number; last: boolean; text: string } | undefined {
  const match = /^(\d{3})([ -]?)(.*)$/.exec(line);
  if (!match) return undefined;
  return { code: Number(match[1]), last: match[2] !== '-', text: match[3] ?? '' };
}

/** `554 5.7.1 Access denied`; the lines of a multi-line reply joined with ` / `. */
export function formatResponse(response: SmtpResponse): string {
  return [String(response.code), response.enhanced ?? '', response.lines.join(' / ')].filter(Boolean).join(' ');
}

export class SmtpClient {
  readonly transcript: string[] = [];
  #socket: net.Socket;
  #timeoutMs: number;
  #buffer = '';
  #lines: string[] = [];
  #ended: SmtpSessionError | undefined;
  #wake: (() => void) | undefined;
  #tls: NegotiatedTls | null = null;
  #onData = (chunk: Buffer) => this.#receive(chunk);
  #onEnd = () => this.#finish(new SmtpSessionError('closed', 'the server closed the connection'));
  #onError = (error: NodeJS.ErrnoException) =>
    this.#finish(new SmtpSessionError('network', error.message, error.code));

  private constructor(socket: net.Socket, timeoutMs: number) {
    this.#socket = socket;
    this.#timeoutMs = timeoutMs;
    this.#attach(socket);
  }

  /** Connects (and, for implicit TLS, completes the handshake); the greeting is not read yet. */
  static async connect(options: ConnectOptions): Promise<SmtpClient> {
    const socket = await openSocket(options);
    const client = new SmtpClient(socket, options.timeoutMs);
    client.transcript.push(`* connected to ${options.host}:${options.port} from ${socket.localAddress ?? '?'}`);
    if (options.implicitTls) {
      client.#detach(socket);
      try {
        client.#tls = await client.#handshake(socket, options.implicitTls);
      } catch (error) {
        if (error instanceof SmtpSessionError) error.transcript = [...client.transcript];
        throw error;
      }
    }
    return client;
  }

  /** The address the connection comes from, as the server should see it. */
  get localAddress(): string {
    return this.#socket.localAddress ?? '';
  }

  get tls(): NegotiatedTls | null {
    return this.#tls;
  }

  get closed(): boolean {
    return this.#ended !== undefined && this.#lines.length === 0;
  }

  /** Reads one (possibly multi-line) reply. */
  async readResponse(): Promise<SmtpResponse> {
    const lines: string[] = [];
    let code = 0;
    for (;;) {
      const line = await this.#nextLine();
      this.transcript.push(`S: ${visible(line)}`);
      const parsed = parseLine(line);
      if (!parsed || (code !== 0 && parsed.code !== code)) {
        throw new SmtpSessionError('protocol', `not an SMTP reply line: ${JSON.stringify(line.slice(0, 200))}`);
      }
      code = parsed.code;
      lines.push(parsed.text);
      if (parsed.last) break;
    }
    const enhanced = /^([245]\.\d{1,3}\.\d{1,3})(?:\s|$)/.exec(lines[0] ?? '');
    return {
      code,
      enhanced: enhanced ? enhanced[1]! : null,
      lines: enhanced ? [lines[0]!.slice(enhanced[0].length).trim(), ...lines.slice(1)] : lines,
    };
  }

  /** Sends a command and reads its reply. `shown` replaces the line in the transcript (secrets). */
  async command(line: string, shown: string = line): Promise<SmtpResponse> {
    this.write(line, shown);
    return this.readResponse();
  }

  write(line: string, shown: string = line): void {
    if (this.#ended) throw this.#ended;
    this.transcript.push(`C: ${visible(shown)}`);
    this.#socket.write(`${line}\r\n`);
  }

  /** Sends STARTTLS and upgrades; returns the reply when the server declined instead. */
  async startTls(options: TlsClientOptions): Promise<SmtpResponse | NegotiatedTls> {
    const reply = await this.command('STARTTLS');
    if (reply.code !== 220) return reply;
    if (this.#lines.length > 0 || this.#buffer.length > 0) {
      // Bytes after the 220 would be read as if they came over TLS (CVE-2011-0411 style).
      throw new SmtpSessionError('protocol', 'the server sent data after its STARTTLS reply, before the handshake');
    }
    const plain = this.#socket;
    this.#detach(plain);
    this.#tls = await this.#handshake(plain, options);
    return this.#tls;
  }

  /** QUIT politely when the session is still open, then close the socket. */
  async quit(): Promise<void> {
    if (!this.#ended) {
      try {
        await this.command('QUIT');
      } catch {
        // The server may close first; the session is over either way.
      }
    }
    this.close();
  }

  close(): void {
    this.#socket.destroy();
    this.#finish(new SmtpSessionError('closed', 'the connection is closed'));
  }

  async #handshake(plain: net.Socket, options: TlsClientOptions): Promise<NegotiatedTls> {
    this.transcript.push(`* TLS handshake${describeTlsOptions(options)}`);
    let secure: tls.TLSSocket;
    try {
      secure = await upgrade(plain, options, this.#timeoutMs);
    } catch (error) {
      const failure = error as SmtpSessionError;
      this.transcript.push(`* TLS handshake failed: ${describeTlsFailure(failure)}`);
      this.#socket = plain;
      this.#finish(failure);
      plain.destroy();
      throw failure;
    }
    this.#socket = secure;
    this.#attach(secure);
    const cipher = secure.getCipher();
    const negotiated: NegotiatedTls = {
      version: secure.getProtocol() ?? 'unknown',
      cipher: cipher.standardName || cipher.name,
      cipherBits: cipherBits(cipher.standardName || cipher.name),
      certificate: certificateOf(secure),
      trusted: secure.authorized,
      trustError: secure.authorizationError ? String(secure.authorizationError) : null,
    };
    this.transcript.push(`* TLS established: ${negotiated.version} ${negotiated.cipher} (${negotiated.cipherBits} bits)`);
    return negotiated;
  }

  #attach(socket: net.Socket): void {
    socket.on('data', this.#onData);
    socket.on('end', this.#onEnd);
    socket.on('close', this.#onEnd);
    socket.on('error', this.#onError);
  }

  #detach(socket: net.Socket): void {
    socket.off('data', this.#onData);
    socket.off('end', this.#onEnd);
    socket.off('close', this.#onEnd);
    socket.off('error', this.#onError);
  }

  #receive(chunk: Buffer): void {
    this.#buffer += chunk.toString('latin1');
    let newline: number;
    while ((newline = this.#buffer.indexOf('\n')) >= 0) {
      this.#lines.push(this.#buffer.slice(0, newline).replace(/\r$/, ''));
      this.#buffer = this.#buffer.slice(newline + 1);
    }
    if (this.#buffer.length > 64 * 1024) this.#onError(Object.assign(new Error('reply line longer than 64 KiB'), { code: 'ELINE' }));
    this.#wake?.();
  }

  #finish(reason: SmtpSessionError): void {
    if (!this.#ended) this.#ended = reason;
    this.#wake?.();
  }

  #nextLine(): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#wake = undefined;
        reject(new SmtpSessionError('timeout', `no reply within ${this.#timeoutMs} ms`));
      }, this.#timeoutMs);
      const check = () => {
        const line = this.#lines.shift();
        if (line !== undefined) {
          clearTimeout(timer);
          this.#wake = undefined;
          resolve(line);
        } else if (this.#ended) {
          clearTimeout(timer);
          this.#wake = undefined;
          reject(this.#ended);
        }
      };
      this.#wake = check;
      check();
    });
  }
}

function describeTlsOptions(options: TlsClientOptions): string {
  const parts: string[] = [];
  if (options.servername) parts.push(`SNI ${options.servername}`);
  if (options.minVersion || options.maxVersion) parts.push(`versions ${options.minVersion ?? 'default'}..${options.maxVersion ?? 'default'}`);
  if (options.ciphers) parts.push(`ciphers ${options.ciphers}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

function certificateOf(socket: tls.TLSSocket): PeerCertificate | null {
  const certificate = socket.getPeerCertificate();
  return certificate && Object.keys(certificate).length > 0 ? certificate : null;
}

function openSocket(options: ConnectOptions): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({
      host: options.host,
      port: options.port,
      ...(options.localAddress ? { localAddress: options.localAddress } : {}),
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new SmtpSessionError('timeout', `cannot connect to ${options.host}:${options.port} within ${options.timeoutMs} ms`));
    }, options.timeoutMs);
    const onError = (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new SmtpSessionError('network', `cannot connect to ${options.host}:${options.port}: ${error.message}`, error.code));
    };
    socket.once('error', onError);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.off('error', onError);
      resolve(socket);
    });
  });
}

// The policy's certificate may be self-signed, so the handshake never fails on trust:
// the certificate probe checks the hostname and dates itself and reports the chain.
function upgrade(plain: net.Socket, options: TlsClientOptions, timeoutMs: number): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    let secure: tls.TLSSocket;
    try {
      secure = tls.connect({
        socket: plain,
        rejectUnauthorized: false,
        ...(options.servername && net.isIP(options.servername) === 0 ? { servername: options.servername } : {}),
        ...(options.minVersion ? { minVersion: options.minVersion } : {}),
        ...(options.maxVersion ? { maxVersion: options.maxVersion } : {}),
        ...(options.ciphers ? { ciphers: options.ciphers } : {}),
      });
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      reject(new SmtpSessionError('tls', `this client cannot offer that handshake: ${e.message}`, e.code));
      return;
    }
    const timer = setTimeout(() => {
      secure.destroy();
      reject(new SmtpSessionError('timeout', `no TLS handshake within ${timeoutMs} ms`));
    }, timeoutMs);
    const fail = (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      secure.off('close', onClose);
      secure.destroy();
      reject(new SmtpSessionError('tls', error.message, error.code));
    };
    const onClose = () =>
      fail(Object.assign(new Error('the server closed the connection during the TLS handshake'), { code: 'ECONNRESET' }));
    secure.once('error', fail);
    secure.once('close', onClose);
    secure.once('secureConnect', () => {
      clearTimeout(timer);
      secure.off('error', fail);
      secure.off('close', onClose);
      resolve(secure);
    });
  });
}

/** TLS errors raised by this client before anything reached the server (it cannot offer the handshake asked for). */
export function isLocalTlsLimitation(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? '';
  return /NO_PROTOCOLS_AVAILABLE|NO_CIPHERS_AVAILABLE|NO_CIPHER_MATCH|NO_SUITABLE|UNSUPPORTED_PROTOCOL_VERSION_NUMBER/.test(code) ||
    /no (protocols|ciphers) available|no cipher match/i.test((error as Error | undefined)?.message ?? '');
}

/** `tlsv1 alert protocol version (ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION)` instead of OpenSSL's whole error line. */
export function describeTlsFailure(error: SmtpSessionError): string {
  const reason = /SSL routines:[^:]*:([^:]+)/.exec(error.message)?.[1] ?? error.message.split('\n')[0]!;
  return error.code && !reason.includes(error.code) ? `${reason} (${error.code})` : reason;
}

/** One line for a report: why a session could not go on. */
export function describeSessionError(error: unknown): string {
  if (error instanceof SmtpSessionError && error.kind === 'tls') return `TLS handshake failed: ${describeTlsFailure(error)}`;
  return error instanceof Error ? (error.message.split('\n')[0] ?? error.message) : String(error);
}
