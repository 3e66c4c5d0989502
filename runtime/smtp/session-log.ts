// The log lines of one session: every line names the session and its client, so the
// adapter, authentication and message intake log the same way. `server` comes from the
// runtime's child logger (start-server.ts) and is not repeated here.
import type { Logger } from 'pino';
import type { Decision } from '../policy/types.js';
import { formatReply } from '../policy/types.js';

export type LogLevel = 'info' | 'warn' | 'error';

export class SessionLog {
  constructor(
    private readonly logger: Logger,
    private readonly session: string,
    private readonly client: string,
  ) {}

  event(event: string, detail: Record<string, unknown>, level: LogLevel = 'info'): void {
    this.logger[level]({ event, session: this.session, client: this.client, ...detail }, event);
  }

  /** A policy decision, with the trace step that decided it (the last one with a source). */
  decision(decision: Decision, detail: Record<string, unknown> = {}): void {
    const deciding = [...decision.trace].reverse().find((step) => step.source !== null);
    const level = decision.decision === 'accept' ? 'info' : 'warn';
    this.logger[level]({
      event: 'decision',
      session: this.session,
      client: this.client,
      stage: decision.stage,
      outcome: decision.decision,
      reply: formatReply(decision.reply),
      source: deciding?.source ?? null,
      reason: deciding ? `${deciding.step}: ${deciding.result}` : null,
      ...(decision.rateLimit ? { limit: decision.rateLimit } : {}),
      ...detail,
    }, `${decision.stage} ${decision.decision}`);
  }
}
