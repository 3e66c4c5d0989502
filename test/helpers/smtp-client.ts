// The raw SMTP client of the tests and the benchmarks, for sessions that must send exactly
// the bytes they mean (bare LF, pipelining, talking before the greeting, AUTH before
// STARTTLS), from a chosen source address in 127.0.0.0/8. (verify/smtp-client.ts is the
// probe's own: it keeps a transcript for the report and types its failures.)
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket, type ConnectionOptions } from 'node:tls';

export interface SmtpReplyLine {
  code: number;
  lines: string[];
  /** The whole reply as sent, lines joined with '\n'. */
  text: string;
}

export class RawSmtpClient {
  private buffer = '';
  private waiting: ((reply: SmtpReplyLine | null) => void)[] = [];
  private replies: (SmtpReplyLine | null)[] = [];
  closed = false;

  private constructor(public socket: Socket | TLSSocket) {
    this.attach(socket);
  }

  private attach(socket: Socket | TLSSocket): void {
    socket.setEncoding('binary');
    socket.on('data', (data: string) => this.onData(data));
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closed = true;
      this.push(null);
    });
  }

  /** `noDelay` turns Nagle's algorithm off (the throughput benchmark sends one small command per round trip). */
  static connect(options: { port: number; host?: string; localAddress?: string; tls?: ConnectionOptions; noDelay?: boolean }): Promise<RawSmtpClient> {
    return new Promise((resolve, reject) => {
      const host = options.host ?? '127.0.0.1';
      const noDelay = options.noDelay ?? false;
      const socket = options.tls
        ? tlsConnect({ port: options.port, host, localAddress: options.localAddress, rejectUnauthorized: false, ...options.tls } as ConnectionOptions, () => resolve(new RawSmtpClient(socket)))
        : netConnect({ port: options.port, host, localAddress: options.localAddress, noDelay }, () => resolve(new RawSmtpClient(socket)));
      socket.once('error', reject);
    });
  }

  private onData(data: string): void {
    this.buffer += data;
    for (;;) {
      const lines = this.buffer.split('\r\n');
      let end = -1;
      for (let i = 0; i < lines.length - 1; i++) {
        if (/^\d{3} /.test(lines[i]!) || /^\d{3}$/.test(lines[i]!)) {
          end = i;
          break;
        }
      }
      if (end < 0) return;
      const replyLines = lines.slice(0, end + 1);
      this.buffer = lines.slice(end + 1).join('\r\n');
      this.push({ code: Number(replyLines[end]!.slice(0, 3)), lines: replyLines.map((l) => l.slice(4)), text: replyLines.join('\n') });
    }
  }

  private push(reply: SmtpReplyLine | null): void {
    const waiter = this.waiting.shift();
    if (waiter) waiter(reply);
    else this.replies.push(reply);
  }

  /** The next reply; null when the server closed the connection first. */
  read(timeoutMs = 5000): Promise<SmtpReplyLine | null> {
    if (this.replies.length > 0) return Promise.resolve(this.replies.shift()!);
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = this.waiting.filter((w) => w !== waiter);
        reject(new Error(`no SMTP reply within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = (reply: SmtpReplyLine | null) => {
        clearTimeout(timer);
        resolve(reply);
      };
      this.waiting.push(waiter);
    });
  }

  write(raw: string | Buffer): void {
    this.socket.write(typeof raw === 'string' ? Buffer.from(raw, 'binary') : raw);
  }

  /** Sends one command line (CRLF appended) and returns the reply. */
  async command(line: string, timeoutMs?: number): Promise<SmtpReplyLine | null> {
    this.write(`${line}\r\n`);
    return this.read(timeoutMs);
  }

  /** STARTTLS has been answered 220: wrap the socket in TLS. */
  async upgrade(options: ConnectionOptions = {}): Promise<TLSSocket> {
    const plain = this.socket;
    plain.removeAllListeners('data');
    plain.removeAllListeners('close');
    const secure = await new Promise<TLSSocket>((resolve, reject) => {
      const s = tlsConnect({ socket: plain, rejectUnauthorized: false, ...options }, () => resolve(s));
      s.once('error', reject);
    });
    this.socket = secure;
    this.buffer = '';
    this.attach(secure);
    return secure;
  }

  /** Resolves when the server has closed the connection. */
  waitClosed(timeoutMs = 5000): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('connection still open')), timeoutMs);
      this.socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  close(): void {
    this.socket.destroy();
  }
}

export const plainAuth = (user: string, password: string): string => Buffer.from(`\u0000${user}\u0000${password}`).toString('base64');
