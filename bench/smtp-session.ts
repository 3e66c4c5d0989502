// The benchmarks' SMTP load (server-throughput, end-to-end): sessions over the tests' raw
// client, one reply awaited at a time, 1 KiB messages, each session from its own address.
import { performance } from 'node:perf_hooks';
import { RawSmtpClient } from '../test/helpers/smtp-client.js';

const BODY_HEADERS = 'From: load@sender.example\r\nTo: rcpt@remote.example\r\nSubject: throughput\r\n\r\n';
const MESSAGE = `${BODY_HEADERS}${'x'.repeat(1024 - BODY_HEADERS.length - 2)}\r\n.\r\n`;

/**
 * One benchmark session: the tests' raw client (test/helpers/smtp-client.ts, the project's
 * one SMTP wire reader) with Nagle off and the few steps a load needs.
 */
export class Session {
  private constructor(readonly client: RawSmtpClient) {}

  static async open(port: number, localAddress: string): Promise<Session> {
    // No Nagle delay: one small command per round trip is the whole load.
    return new Session(await RawSmtpClient.connect({ port, localAddress, noDelay: true }));
  }

  /** Sends `command` (or nothing, for the greeting) and checks the reply's code. */
  async expect(code: number, command?: string): Promise<void> {
    if (command !== undefined) this.client.write(command);
    const reply = await this.client.read(30_000);
    if (reply === null) throw new Error('connection closed');
    if (reply.code !== code) throw new Error(`expected ${code} after ${JSON.stringify(command?.trim() ?? 'connect')}, got ${JSON.stringify(reply.text)}`);
  }

  async greet(): Promise<void> {
    await this.expect(220);
    await this.expect(250, 'EHLO client.bench.example\r\n');
  }

  async send(recipient = 'rcpt@remote.example'): Promise<void> {
    await this.expect(250, 'MAIL FROM:<load@sender.example>\r\n');
    await this.expect(250, `RCPT TO:<${recipient}>\r\n`);
    await this.expect(354, 'DATA\r\n');
    await this.expect(250, MESSAGE);
  }

  async quit(): Promise<void> {
    await this.expect(221, 'QUIT\r\n').catch(() => undefined);
    this.client.close();
  }

  close(): void {
    this.client.close();
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
