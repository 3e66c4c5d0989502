// A real SMTP server on loopback acting as the smart host (or an MX host, on its own
// 127.x address and port 25), recording what it receives, and
// the small utilities the worker tests share (waiting, a capturing logger).
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import type { DeliveryLogger } from '../../../../runtime/delivery/worker.js';

export interface ReceivedMessage {
  from: string;
  to: string[];
  raw: Buffer;
  secure: boolean;
  user: string | null;
  /** The name the client gave in EHLO/HELO. */
  helo: string;
}

export interface Smarthost {
  port: number;
  received: ReceivedMessage[];
  mailCommands: number;
  /** DATA commands answered so far (with dataDelayMs, this trails `received` by the delay). */
  answered: number;
  /** Connection errors (a client reset by a crash): recorded, since an unheard 'error' would throw. */
  errors: Error[];
  close(): Promise<void>;
}

export interface SmarthostBehaviour {
  port?: number;
  /** The address to listen on; default 127.0.0.1. */
  host?: string;
  /** Reply per recipient: return an Error with responseCode to refuse it. */
  rcpt?: (address: string) => { code: number; message: string } | null;
  tls?: { key: string | Buffer; cert: string | Buffer } | null;
  auth?: { user: string; pass: string };
  /** Waits this long before answering DATA: a delivery that takes a while, for tests that act during one. */
  dataDelayMs?: number;
}

export async function startSmarthost(behaviour: SmarthostBehaviour = {}): Promise<Smarthost> {
  const received: ReceivedMessage[] = [];
  const state = { mailCommands: 0, answered: 0 };
  const options: SMTPServerOptions = {
    logger: false,
    disableReverseLookup: true,
    authOptional: behaviour.auth === undefined,
    ...(behaviour.tls ? { key: behaviour.tls.key, cert: behaviour.tls.cert } : {}),
    ...(behaviour.auth ? { authMethods: ['PLAIN', 'LOGIN'], allowInsecureAuth: true } : {}),
    disabledCommands: [...(behaviour.tls ? [] : ['STARTTLS']), ...(behaviour.auth ? [] : ['AUTH'])],
    onAuth(auth, _session, callback) {
      if (behaviour.auth && auth.username === behaviour.auth.user && auth.password === behaviour.auth.pass) {
        callback(null, { user: auth.username });
      } else {
        callback(Object.assign(new Error('Authentication failed'), { responseCode: 535 }));
      }
    },
    onMailFrom(_address, _session, callback) {
      state.mailCommands += 1;
      callback();
    },
    onRcptTo(address, _session, callback) {
      const refusal = behaviour.rcpt?.(address.address);
      if (refusal) callback(Object.assign(new Error(refusal.message), { responseCode: refusal.code }));
      else callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address,
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks),
          secure: session.secure,
          user: (session.user as string | undefined) ?? null,
          helo: session.hostNameAppearsAs,
        });
        const answer = (): void => {
          state.answered += 1;
          callback();
        };
        if (behaviour.dataDelayMs) setTimeout(answer, behaviour.dataDelayMs);
        else answer();
      });
    },
  };
  const server = new SMTPServer(options);
  const errors: Error[] = [];
  server.on('error', (error: Error) => errors.push(error));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(behaviour.port ?? 0, behaviour.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    received,
    get mailCommands() {
      return state.mailCommands;
    },
    get answered() {
      return state.answered;
    },
    errors,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export interface CapturedLog {
  level: string;
  msg: string;
  obj: Record<string, unknown>;
}

export function captureLogger(): DeliveryLogger & { lines: CapturedLog[] } {
  const lines: CapturedLog[] = [];
  const at = (level: string) => (obj: object, msg = '') => {
    lines.push({ level, msg, obj: obj as Record<string, unknown> });
  };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
