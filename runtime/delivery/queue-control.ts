// The control channel between `smtppolicy queue` and a running server: a Unix socket,
// <spool>/control.sock, mode 0600 in the spool's 0700 directory (only the spool's owner can
// use it), one JSON request and one JSON answer per connection.
//
// Why a channel and not files: an operator's hold or delete must not race the delivery
// worker. A hold written to the state file while the worker delivers the same message would
// be overwritten by the worker's own record of the attempt (and with it the hold), and a
// delete could land between the worker's check and its SMTP transaction. The worker is the
// one owner of every message it may deliver; through this channel it applies the operator's
// action itself, after the attempt in progress and before any other (worker.ts, control()).
// When nothing listens on the socket no server runs, nothing delivers, and the command
// changes the spool itself.
//
// The server also uses the socket to refuse to start on a spool another server already runs
// on (two owners would clean up and deliver each other's messages).
import { chmod, unlink } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { isErrno } from './fs-durable.js';
import { QUEUE_ACTIONS, type QueueAction, type QueueActionOutcome } from './queue-actions.js';
import { isSpoolId } from './spool-id.js';

export const CONTROL_SOCKET = 'control.sock';
/**
 * The longest Unix socket path Linux takes (sun_path less its final NUL). A longer one is
 * cut short by the system, and the socket would be made (and looked for) somewhere else.
 */
const MAX_SOCKET_PATH_BYTES = 107;
/** A request names at most this many bytes of ids (about 600,000 of them). */
const MAX_REQUEST_BYTES = 16 * 1024 * 1024;

export interface QueueControlRequest {
  action: QueueAction;
  ids: string[];
}

export interface QueueActionResult {
  id: string;
  outcome: QueueActionOutcome;
}

export type QueueControlHandler = (request: QueueControlRequest) => Promise<QueueActionResult[]>;

export function controlSocketPath(spoolDir: string): string {
  const path = join(spoolDir, CONTROL_SOCKET);
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH_BYTES) {
    throw new QueueControlError(`the queue control socket ${path} would be longer than a Unix socket path may be (${MAX_SOCKET_PATH_BYTES} bytes): use a shorter spool path`);
  }
  return path;
}

export class QueueControlError extends Error {
  override name = 'QueueControlError';
}

/**
 * Whether a server answers on the spool's control socket. A socket file nobody listens on
 * (a server that was killed) does not count.
 */
export async function serverOwnsSpool(spoolDir: string): Promise<boolean> {
  const socket = await connectOrNull(controlSocketPath(spoolDir));
  socket?.destroy();
  return socket !== null;
}

/**
 * Listens on the spool's control socket (replacing a stale socket file). The caller has
 * checked with serverOwnsSpool() that no other server runs on the spool.
 */
export async function listenForQueueControl(spoolDir: string, handler: QueueControlHandler): Promise<{ close(): Promise<void> }> {
  const path = controlSocketPath(spoolDir);
  await unlink(path).catch((error: unknown) => {
    if (!isErrno(error, 'ENOENT')) throw error;
  });
  const server = createServer((socket) => serve(socket, handler));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: Error) => reject(new QueueControlError(`cannot listen on ${path} for 'smtppolicy queue': ${error.message}`)));
    server.listen(path, () => resolve());
  });
  await chmod(path, 0o600);
  return { close: () => closeServer(server, path) };
}

/**
 * Sends a request to the server running on the spool; null when no server runs there (the
 * caller then acts on the spool itself). Waits as long as the server takes: it finishes a
 * delivery attempt in progress (at most its SMTP timeout) before acting on that message.
 */
export async function askQueueControl(spoolDir: string, request: QueueControlRequest): Promise<QueueActionResult[] | null> {
  const socket = await connectOrNull(controlSocketPath(spoolDir));
  if (!socket) return null;
  const answer = await exchange(socket, `${JSON.stringify(request)}\n`);
  let parsed: { results?: QueueActionResult[]; error?: string };
  try {
    parsed = JSON.parse(answer) as typeof parsed;
  } catch {
    throw new QueueControlError(`the server on ${spoolDir} sent an answer that is not JSON: ${answer.slice(0, 200)}`);
  }
  if (parsed.error !== undefined || !Array.isArray(parsed.results)) throw new QueueControlError(`the server on ${spoolDir} refused: ${parsed.error ?? 'no results'}`);
  return parsed.results;
}

function serve(socket: Socket, handler: QueueControlHandler): void {
  socket.on('error', () => socket.destroy());
  let received = '';
  let answered = false;
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    if (answered) return;
    received += chunk;
    if (received.length > MAX_REQUEST_BYTES) {
      answered = true;
      socket.end(`${JSON.stringify({ error: `request longer than ${MAX_REQUEST_BYTES} bytes` })}\n`);
      return;
    }
    const end = received.indexOf('\n');
    if (end < 0) return;
    answered = true;
    const request = parseRequest(received.slice(0, end));
    if (typeof request === 'string') {
      socket.end(`${JSON.stringify({ error: request })}\n`);
      return;
    }
    handler(request).then(
      (results) => socket.end(`${JSON.stringify({ results })}\n`),
      (error: unknown) => socket.end(`${JSON.stringify({ error: error instanceof Error ? error.message : String(error) })}\n`),
    );
  });
}

/** The request, or what is wrong with it. */
function parseRequest(line: string): QueueControlRequest | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return 'the request is not JSON';
  }
  const { action, ids } = (value ?? {}) as { action?: unknown; ids?: unknown };
  if (typeof action !== 'string' || !(QUEUE_ACTIONS as readonly string[]).includes(action)) return `unknown action ${JSON.stringify(action)} (expected ${QUEUE_ACTIONS.join(', ')})`;
  if (!Array.isArray(ids)) return 'ids must be a list of queue ids';
  const bad = ids.find((id) => typeof id !== 'string' || !isSpoolId(id));
  if (bad !== undefined) return `not a queue id: ${JSON.stringify(bad)}`;
  return { action: action as QueueAction, ids: ids as string[] };
}

function connectOrNull(path: string): Promise<Socket | null> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    socket.once('connect', () => {
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      // no socket file, or a file nobody listens on: no server runs on this spool
      if (error.code === 'ENOENT' || error.code === 'ECONNREFUSED') resolve(null);
      else reject(new QueueControlError(`cannot reach the server through ${path}: ${error.message}`));
    });
  });
}

function exchange(socket: Socket, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.once('error', (error: Error) => reject(new QueueControlError(`the control connection failed: ${error.message}`)));
    socket.once('close', () => {
      if (answer.endsWith('\n')) resolve(answer.trimEnd());
      else reject(new QueueControlError('the server closed the control connection without an answer (did it stop?)'));
    });
    // not end(): the server's side would close with ours before it had answered
    socket.write(request);
  });
}

function closeServer(server: Server, path: string): Promise<void> {
  return new Promise((resolve) =>
    server.close(() => {
      // node removes the socket file on close; a leftover would only make the next start replace it
      void unlink(path).catch(() => undefined).then(() => resolve());
    }),
  );
}
