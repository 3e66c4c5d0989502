// The server's structured log: pino JSON lines, one per decision. Values that a client
// controls (HELO names, addresses, AUTH user names) go through `clean` first, so a CR or
// LF from the wire can never start a forged log line.
import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

export const LOG_LEVELS: readonly LevelWithSilent[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function createLogger(level: LevelWithSilent = 'info', destination?: NodeJS.WritableStream): Logger {
  const options = { level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime };
  return destination ? pino(options, destination as pino.DestinationStream) : pino(options);
}

/** A logger that drops everything (library use without logs). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

const MAX_LOGGED_LENGTH = 512;

/**
 * Makes a client-supplied value safe for one log field: control characters become `\xNN`
 * escapes (visible, never interpreted), and overlong values are cut with a marker.
 */
export function clean(value: unknown): string {
  const text = value === undefined || value === null ? '' : String(value);
  // eslint-disable-next-line no-control-regex
  const escaped = text.replace(/[\x00-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return escaped.length > MAX_LOGGED_LENGTH ? `${escaped.slice(0, MAX_LOGGED_LENGTH)}…(${escaped.length} chars)` : escaped;
}
