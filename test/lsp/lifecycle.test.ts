import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ResponseError } from 'vscode-languageserver/node';
import { spawnStdioServer, type StdioServer } from './helpers/stdio-client.js';

// `smtppolicy lsp --stdio` as editors start it, from source through tsx.
const COMMAND = [process.execPath, ['--import', 'tsx', join(process.cwd(), 'cli', 'main.ts'), 'lsp', '--stdio']] as const;
// Generous: the server starts from TypeScript source first, on a busy machine that takes a while.
const EXIT_WITHIN_MS = 60_000;

function startServer(t: { after(fn: () => void): void }): StdioServer {
  const server = spawnStdioServer(COMMAND[0], [...COMMAND[1]], process.cwd());
  t.after(() => server.child.kill('SIGKILL'));
  return server;
}

/** The exit code, or a failure when the process is still running after `ms`. */
function exitCode(server: StdioServer, ms = EXIT_WITHIN_MS): Promise<number | null> {
  if (server.child.exitCode !== null) return Promise.resolve(server.child.exitCode);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`still running ${ms} ms after its input ended; stderr: ${server.stderr()}`)), ms);
    server.child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

async function errorOf(promise: Promise<unknown>): Promise<ResponseError<unknown>> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ResponseError) return error;
    throw error;
  }
  assert.fail('the request succeeded');
}

test('the server exits when its input ends, even though initialize named a live parent process', { timeout: 150_000 }, async (t) => {
  const server = startServer(t);
  await server.client.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
  await server.client.sendNotification('initialized', {});
  server.child.stdin!.end();
  // No shutdown came first: LSP asks for exit code 1.
  assert.equal(await exitCode(server), 1, server.stderr());
});

test('after shutdown, the end of input ends the server with 0', { timeout: 150_000 }, async (t) => {
  const server = startServer(t);
  await server.client.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
  await server.client.sendRequest('shutdown');
  server.child.stdin!.end();
  assert.equal(await exitCode(server), 0, server.stderr());
});

for (const [name, bytes, expected] of [
  ['a Content-Length that is not a number', 'Content-Length: abc\r\n\r\n{}', /Content-Length/],
  ['a message without Content-Length', 'Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{"jsonrpc":"2.0","id":1,"method":"shutdown"}', /Content-Length/],
] as const) {
  test(`${name} is logged and ends the server with a non-zero code, instead of leaving it deaf`, { timeout: 150_000 }, async () => {
    const child = spawn(COMMAND[0], [...COMMAND[1]], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdout.resume();
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.stdin.write(bytes);
    // The input stays open, as an editor's pipe does: the server must not wait for more.
    const timer = setTimeout(() => child.kill('SIGKILL'), EXIT_WITHIN_MS);
    const code = await exited;
    clearTimeout(timer);
    child.stdin.destroy();
    assert.notEqual(code, null, `still running ${EXIT_WITHIN_MS} ms after the bad message; stderr: ${stderr}`);
    assert.notEqual(code, 0);
    assert.match(stderr, /smtppolicy lsp: unreadable message/);
    assert.match(stderr, expected);
  });
}

test('a request before initialize gets -32002; requests with null params get -32602, not an internal error', { timeout: 150_000 }, async (t) => {
  const server = startServer(t);
  const early = await errorOf(server.client.sendRequest('textDocument/hover', { textDocument: { uri: 'file:///x.smtppolicy' }, position: { line: 0, character: 0 } }));
  assert.equal(early.code, -32002, early.message);

  await server.client.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {} });
  await server.client.sendNotification('initialized', {});
  for (const method of ['textDocument/hover', 'textDocument/completion', 'textDocument/definition', 'textDocument/formatting', 'textDocument/codeAction', 'textDocument/documentSymbol']) {
    const error = await errorOf(server.client.sendRequest(method, null));
    assert.equal(error.code, -32602, `${method}: ${error.code} ${error.message}`);
  }
  assert.equal(await server.stop(), 0, server.stderr());
});
