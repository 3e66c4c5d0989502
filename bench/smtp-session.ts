// The benchmarks' own SMTP client (server-throughput, end-to-end): one session over one
// connection, one reply awaited at a time, 1 KiB messages. Kept minimal so that the client
// costs the shared CPUs as little as possible next to the server it measures.
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

const BODY_HEADERS = 'From: load@sender.example\r\nTo: rcpt@remote.example\r\nSubject: throughput\r\n\r\n';
const MESSAGE = `${BODY_HEADERS}${'x'.repeat(1024 - BODY_HEADERS.length - 2)}\r\n.\r\n`;

/** A minimal SMTP client: one reply at a time, multi-line replies joined. */
export class Session {
  private buffer = '';
  private waiter: ((reply: string) => void) | null = null;
  private replies: string[] = [];
  private failWaiter: ((error: Error) => void) | null = null;
  private constructor(readonly socket: Socket) {
    socket.setEncoding('latin1');
    socket.setNoDelay(true);
    socket.on('data', (data: string) => {
      this.buffer += data;
      let end: number;
      while ((end = this.buffer.indexOf('\r\n')) >= 0) {
        const line = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 2);
        if (line[3] === '-') continue;
        if (this.waiter) {
          const w = this.waiter;
          this.waiter = null;
          this.failWaiter = null;
          w(line);
        } else this.replies.push(line);
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => this.failWaiter?.(new Error('connection closed')));
  }

  static open(port: number, localAddress: string): Promise<Session> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host: '127.0.0.1', localAddress }, () => resolve(new Session(socket)));
      socket.once('error', reject);
    });
  }

  reply(): Promise<string> {
    const ready = this.replies.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no reply within 30 s')), 30_000);
      this.waiter = (line) => {
        clearTimeout(timer);
        resolve(line);
      };
      this.failWaiter = (error) => {
        clearTimeout(timer);
        reject(error);
      };
    });
  }

  async expect(code: string, command?: string): Promise<void> {
    if (command !== undefined) this.socket.write(command);
    const line = await this.reply();
    if (!line.startsWith(code)) throw new Error(`expected ${code} after ${JSON.stringify(command?.trim() ?? 'connect')}, got ${JSON.stringify(line)}`);
  }

  async greet(): Promise<void> {
    await this.expect('220');
    await this.expect('250', 'EHLO client.bench.example\r\n');
  }

  async send(recipient = 'rcpt@remote.example'): Promise<void> {
    await this.expect('250', 'MAIL FROM:<load@sender.example>\r\n');
    await this.expect('250', `RCPT TO:<${recipient}>\r\n`);
    await this.expect('354', 'DATA\r\n');
    await this.expect('250', MESSAGE);
  }

  async quit(): Promise<void> {
    await this.expect('221', 'QUIT\r\n').catch(() => undefined);
    this.socket.destroy();
  }
}

/** A distinct loopback source address per session, as distinct clients would have. */
export const sourceAddress = (i: number) => `127.0.${1 + Math.floor(i / 250)}.${1 + (i % 250)}`;

export interface Load {
  port: number;
  /** Messages in all, shared among the sessions. */
  count: number;
  sessions: number;
  /** Each session keeps its connection, or opens one per message. */
  reuse: boolean;
  recipient?: string;
}

/** Sends `count` messages over `sessions` parallel sessions, each from its own address; returns messages accepted per second. */
export async function sendMessages(load: Load): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: load.sessions }, async (_, worker) => {
    const from = sourceAddress(worker);
    if (load.reuse) {
      const session = await Session.open(load.port, from);
      await session.greet();
      while (next < load.count) {
        next++;
        await session.send(load.recipient);
      }
      await session.quit();
    } else {
      while (next < load.count) {
        next++;
        const session = await Session.open(load.port, from);
        await session.greet();
        await session.send(load.recipient);
        await session.quit();
      }
    }
  }));
  return load.count / ((performance.now() - started) / 1000);
}
