// The server's structured log: pino JSON lines, one per decision. Values that a client
// controls (HELO names, addresses, AUTH user names) go through `clean` first, so a CR or
// LF from the wire can never start a forged log line.
//
// Written to the process's stdout, the lines are buffered (pino's asynchronous logging, a
// sonic-boom destination on fd 1): a busy server logs several lines per message, and one
// write(2) each cost a measurable share of a message's CPU time (issue 19). What is buffered
// is written when 4 KiB have gathered, within FLUSH_INTERVAL_MS otherwise, at once for a
// warning or an error, and synchronously when the process exits (pino.destination registers
// that flush on the 'exit' event, which Node emits at the end of a drain (SIGTERM, SIGINT),
// at process.exit(), and on an uncaught exception or unhandled rejection). Only a SIGKILL or
// a power cut loses the lines of the last FLUSH_INTERVAL_MS: never mail, which the spool keeps.
import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

export const LOG_LEVELS: readonly LevelWithSilent[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Buffered bytes that trigger a write. */
const BUFFER_BYTES = 4096;
/** The longest a line waits in the buffer: `tail -f` still shows a quiet server's lines at once. */
export const FLUSH_INTERVAL_MS = 200;
/** pino's numeric level for warn: lines at this level and above are written at once. */
const WARN = 40;

export function createLogger(level: LevelWithSilent = 'info', destination?: NodeJS.WritableStream | pino.DestinationStream): Logger {
  const options = { level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime };
  if (destination === process.stdout) return pino(options, bufferedStdout());
  return destination ? pino(options, destination as pino.DestinationStream) : pino(options);
}

/**
 * The destination createLogger would write to, to share with other writers of whole lines:
 * the primary of `serve --workers` writes its workers' lines into the same buffer as its
 * own, so that two processes never interleave parts of lines on one standard output.
 */
export function logDestination(stream: NodeJS.WritableStream): pino.DestinationStream {
  return stream === process.stdout ? bufferedStdout() : (stream as unknown as pino.DestinationStream);
}

/** A logger that drops everything (library use without logs). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/** fd 1 through pino.destination with a buffer (pino flushes it synchronously on 'exit'). */
function bufferedStdout(): pino.DestinationStream {
  const sonic = pino.destination({ dest: 1, sync: false, minLength: BUFFER_BYTES });
  // What is still buffered, in bytes: handed to sonic-boom minus what its 'write' events say
  // reached fd 1. sonic-boom's flush() does nothing while a write is in progress, and what
  // that write leaves below minLength waits for more lines, so the timer flushes for as long
  // as anything is left. (A flag cleared when the timer flushed lost lines: a flush during a
  // write to a full pipe did nothing, and the line waited for the next one, which a quiet
  // worker of `serve --workers` might never log.)
  let handedOver = 0;
  let written = 0;
  sonic.on('write', (bytes: number) => (written += bytes));
  const timer = setInterval(() => {
    if (written < handedOver) sonic.flush();
  }, FLUSH_INTERVAL_MS);
  timer.unref();
  return {
    write(line: string): void {
      sonic.write(line);
      handedOver += Buffer.byteLength(line);
      // pino's lines start with {"level":NN: a warning or an error is not kept waiting
      // (if a write is in progress, this does nothing and the timer writes it)
      if (levelOf(line) >= WARN) sonic.flush();
    },
    // logger.flush() and pino's fatal() (which writes synchronously) reach the buffer through these
    flush: (callback?: (error?: Error) => void) => sonic.flush(callback),
    flushSync: () => {
      flushNow(sonic);
      written = handedOver; // sonic-boom's synchronous flush emits no 'write' events
    },
  } as pino.DestinationStream;
}

function levelOf(line: string): number {
  return line.startsWith('{"level":') ? Number(line.slice(9, 11)) : WARN;
}

function flushNow(sonic: ReturnType<typeof pino.destination>): void {
  try {
    sonic.flushSync();
  } catch {
    // nothing more can be done for the log while the process is going down
  }
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
