// Relaying through the configured smart host with nodemailer's pooled SMTP transport. The
// stored message bytes are sent unchanged with the original envelope, and the outcome is
// reported per recipient: one refused recipient does not fail the others.
//
// Classification (as Postfix): a 5xx reply to MAIL FROM, RCPT TO or DATA is permanent; every
// other failure — 4xx, connection refused or lost, no STARTTLS when TLS is required, a bad
// certificate, AUTH refused (our credentials are wrong, the mail is fine) — is temporary.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { isIP } from 'node:net';
import nodemailer from 'nodemailer';
import type { SmarthostTarget } from '../config/types.js';
import type { AttemptError } from './delivery-state.js';

export type RecipientOutcome =
  | { kind: 'delivered'; detail: string }
  | { kind: 'permanent'; error: AttemptError }
  | { kind: 'temporary'; error: AttemptError };

export interface SmarthostTls {
  /** Extra trusted CA certificates (PEM) for a smart host with a private PKI; tests use it. */
  ca?: string | Buffer;
}

interface SmtpError extends Error {
  code?: string;
  command?: string;
  response?: string;
  responseCode?: number;
  recipient?: string;
  rejectedErrors?: SmtpError[];
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
    const outcomes = new Map<string, RecipientOutcome>();
    try {
      const info = (await transport.sendMail({ envelope: { from: envelope.from, to: envelope.to }, raw: message })) as {
        response?: string;
        rejectedErrors?: SmtpError[];
      };
      const rejected = new Map((info.rejectedErrors ?? []).map((e) => [e.recipient ?? '', e]));
      for (const address of envelope.to) {
        const error = rejected.get(address);
        outcomes.set(address, error ? classify(error, target) : { kind: 'delivered', detail: info.response ?? '' });
      }
    } catch (caught) {
      const error = caught as SmtpError;
      const perRecipient = new Map((error.rejectedErrors ?? []).map((e) => [e.recipient ?? '', e]));
      for (const address of envelope.to) outcomes.set(address, classify(perRecipient.get(address) ?? error, target));
    }
    return outcomes;
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

const ENVELOPE_COMMANDS = new Set(['MAIL FROM', 'RCPT TO', 'DATA']);

function classify(error: SmtpError, target: SmarthostTarget): RecipientOutcome {
  const reply = error.response?.replace(/\s+/g, ' ').trim();
  const code = error.responseCode;
  if (reply && code && error.command && ENVELOPE_COMMANDS.has(error.command)) {
    const enhanced = /^\d{3}[ -](\d\.\d{1,3}\.\d{1,3})\b/.exec(reply)?.[1];
    const permanent = code >= 500;
    const status = enhanced && enhanced[0] === String(code)[0] ? enhanced : permanent ? '5.0.0' : '4.0.0';
    const attempt: AttemptError = { status, diagnostic: reply, diagnosticType: 'smtp', remoteMta: target.host };
    return permanent ? { kind: 'permanent', error: attempt } : { kind: 'temporary', error: attempt };
  }
  const where = `${target.host}:${target.port}`;
  const status =
    error.code === 'ETLS' ? '4.7.10' : error.code === 'EAUTH' ? '4.7.0' : error.code === 'ECONNECTION' || error.code === 'ETIMEDOUT' || error.code === 'ESOCKET' ? '4.4.1' : '4.4.0';
  return {
    kind: 'temporary',
    error: { status, diagnostic: `smart host ${where}: ${error.message.replace(/\s+/g, ' ')}`, diagnosticType: 'x-smtppolicy', remoteMta: target.host },
  };
}
