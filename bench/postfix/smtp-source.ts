// Postfix's own load generator, as the Postfix comparisons drive both servers with it:
// `smtp-source -s SESSIONS -m COUNT -l 1024` (with `-d`: every session reuses its connection).
import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import { SMTP_SOURCE } from './postfix.js';

export interface SmtpSourceLoad {
  port: number;
  count: number;
  sessions: number;
  /** Reuse each session's connection (`-d`), or one connection per message. */
  reuse: boolean;
  recipient: string;
  messageBytes?: number;
}

/** Messages per second for one smtp-source run (until its last reply); throws when smtp-source fails. */
export function smtpSource(load: SmtpSourceLoad): Promise<number> {
  const args = [...(load.reuse ? ['-d'] : []), '-s', String(load.sessions), '-m', String(load.count), '-l', String(load.messageBytes ?? 1024)];
  args.push('-f', 'load@sender.example', '-t', load.recipient, '-M', 'client.bench.example', `127.0.0.1:${load.port}`);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    execFile(SMTP_SOURCE, args, { timeout: 300_000 }, (error, _stdout, stderr) => {
      if (error) reject(new Error(`smtp-source ${args.join(' ')} failed: ${error.message} ${stderr}`));
      else resolve(load.count / ((performance.now() - started) / 1000));
    });
  });
}

/** A loopback port that was free a moment ago (Postfix and the quickstart need a fixed one). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
