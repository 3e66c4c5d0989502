// Relaying through the configured smart host with nodemailer's pooled SMTP transport. The
// stored message bytes are sent unchanged with the original envelope, and the outcome is
// reported per recipient: one refused recipient does not fail the others.
//
// Replies are classified by smtp-outcome.ts (the same for direct MX delivery).
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { isIP } from 'node:net';
import nodemailer from 'nodemailer';
import type { SmarthostTarget } from '../config/types.js';
import { outcomesOf, type RecipientOutcome, type SmtpError } from './smtp-outcome.js';

export type { RecipientOutcome } from './smtp-outcome.js';

export interface SmarthostTls {
  /** Extra trusted CA certificates (PEM) for a smart host with a private PKI; tests use it. */
  ca?: string | Buffer;
}

type Password = { ok: true; value: string | null } | { ok: false; reason: string };

/** The smart-host password comes from the environment or a file at run time, never from policy text. */
export async function readSmarthostPassword(target: SmarthostTarget, baseDir: string, env: NodeJS.ProcessEnv): Promise<Password> {
  if (target.user === null || target.password === null) return { ok: true, value: null };
  if ('env' in target.password) {
    const value = env[target.password.env];
    if (value === undefined || value === '') {
      return { ok: false, reason: `smart host password: environment variable ${target.password.env} is not set` };
    }
    return { ok: true, value };
  }
  const path = resolve(baseDir, target.password.file);
  try {
    const value = (await readFile(path, 'utf8')).replace(/\r?\n$/, '');
    if (value === '') return { ok: false, reason: `smart host password: file ${path} is empty` };
    return { ok: true, value };
  } catch (error) {
    return { ok: false, reason: `smart host password: cannot read ${path}: ${(error as Error).message}` };
  }
}

type Transporter = ReturnType<typeof nodemailer.createTransport>;

/** One pooled transport per smart host (and credentials), reused across messages. */
export class SmarthostPool {
  private readonly transports = new Map<string, Transporter>();

  constructor(
    private readonly options: { tls?: SmarthostTls; timeoutMs?: number } = {},
  ) {}

  async send(
    target: SmarthostTarget,
    password: string | null,
    envelope: { from: string; to: string[] },
    message: Buffer,
    heloName: string,
  ): Promise<Map<string, RecipientOutcome>> {
    const transport = this.transportFor(target, password, heloName);
    const peer = { remoteMta: target.host, label: `smart host ${target.host}:${target.port}` };
    try {
      const info = (await transport.sendMail({ envelope: { from: envelope.from, to: envelope.to }, raw: message })) as { response?: string; rejectedErrors?: SmtpError[] };
      return outcomesOf({ info }, envelope.to, peer);
    } catch (caught) {
      return outcomesOf({ error: caught as SmtpError }, envelope.to, peer);
    }
  }

  close(): void {
    for (const transport of this.transports.values()) transport.close();
    this.transports.clear();
  }

  private transportFor(target: SmarthostTarget, password: string | null, heloName: string): Transporter {
    const key = JSON.stringify([target.host, target.port, target.tls, target.verifyCertificate, target.user, password, heloName]);
    let transport = this.transports.get(key);
    if (!transport) {
      const timeout = this.options.timeoutMs ?? 60_000;
      transport = nodemailer.createTransport({
        pool: true,
        host: target.host,
        port: target.port,
        secure: false,
        requireTLS: target.tls === 'required',
        ignoreTLS: target.tls === 'none',
        name: heloName,
        tls: {
          rejectUnauthorized: target.verifyCertificate,
          // SNI carries host names only (RFC 6066), never an address literal.
          ...(isIP(target.host) === 0 ? { servername: target.host } : {}),
          ...(this.options.tls?.ca ? { ca: this.options.tls.ca } : {}),
        },
        ...(target.user !== null && password !== null ? { auth: { user: target.user, pass: password } } : {}),
        connectionTimeout: timeout,
        greetingTimeout: timeout,
        socketTimeout: timeout,
        // A failed send becomes a temporary failure that our own retry schedule handles.
        maxRequeues: 0,
      });
      this.transports.set(key, transport);
    }
    return transport;
  }
}
