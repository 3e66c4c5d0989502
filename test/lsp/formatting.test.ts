import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CancellationTokenSource, ResponseError, type TextEdit } from 'vscode-languageserver/node';
import { spawnStdioServer, type StdioServer } from './helpers/stdio-client.js';

// Formatting as editors get it from `smtppolicy lsp --stdio`.

/** A list of `entries` addresses, each with a comment: the shape that made formatting quadratic. */
function commentedList(entries: number): string {
  const lines = ['list big {'];
  for (let i = 0; i < entries; i++) lines.push(`    10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}   # host ${i}`);
  return `${lines.join('\n')}\n}\n`;
}

async function startServer(t: { after(fn: () => void): void }): Promise<{ server: StdioServer; dir: string }> {
  // A folder of its own, without .prettierrc or .editorconfig above it deciding the indentation.
  const dir = mkdtempSync(join(tmpdir(), 'smtppolicy-lsp-format-'));
  const server = spawnStdioServer(process.execPath, ['--import', 'tsx', join(process.cwd(), 'cli', 'main.ts'), 'lsp', '--stdio'], process.cwd());
  t.after(() => {
    server.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  await server.client.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {}, initializationOptions: { diagnosticsDelayMs: 0 } });
  await server.client.sendNotification('initialized', {});
  return { server, dir };
}

async function open(server: StdioServer, uri: string, text: string): Promise<void> {
  const published = server.nextDiagnostics(uri, 120_000);
  await server.client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'smtppolicy', version: 1, text } });
  await published;
}

const OPTIONS = { tabSize: 2, insertSpaces: true };

test('a long formatting request does not hold up hover, and a cancelled one stops', { timeout: 240_000 }, async (t) => {
  const { server, dir } = await startServer(t);
  const uri = pathToFileURL(join(dir, 'big.smtppolicy')).href;
  await open(server, uri, commentedList(40_000));
  const hoverParams = { textDocument: { uri }, position: { line: 1, character: 6 } };
  await server.client.sendRequest('textDocument/hover', hoverParams); // warm: the document is checked

  const order: string[] = [];
  const formatting = server.client.sendRequest<TextEdit[]>('textDocument/formatting', { textDocument: { uri }, options: OPTIONS }).then((edits) => {
    order.push('formatting');
    return edits;
  });
  // Let the server start formatting, then ask something small.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const hover = await server.client.sendRequest<{ contents: { value: string } } | null>('textDocument/hover', hoverParams);
  order.push('hover');
  assert.match(hover?.contents.value ?? '', /10\.0\.0\.0/);
  const edits = await formatting;
  assert.deepEqual(order, ['hover', 'formatting']);
  assert.match(edits[0]!.newText, /^ {2}10\.0\.0\.0 # host 0$/m);

  // Cancelled: the client hears RequestCancelled, and the server goes on answering.
  const source = new CancellationTokenSource();
  const cancelled = server.client.sendRequest('textDocument/formatting', { textDocument: { uri }, options: OPTIONS }, source.token);
  setTimeout(() => source.cancel(), 300);
  await assert.rejects(cancelled, (error: unknown) => error instanceof ResponseError && error.code === -32800);
  assert.ok(await server.client.sendRequest('textDocument/hover', hoverParams));
  assert.equal(await server.stop(), 0, server.stderr());
});

test("formatting follows the editor's tab size and tabs, and says why a file with syntax errors is not formatted", { timeout: 120_000 }, async (t) => {
  const { server, dir } = await startServer(t);
  const uri = pathToFileURL(join(dir, 'small.smtppolicy')).href;
  await open(server, uri, 'server mx {\nlisten 127.0.0.1:2525\nhostname mx.example.test\n}\n');
  const request = (options: object) => server.client.sendRequest<TextEdit[]>('textDocument/formatting', { textDocument: { uri }, options });
  assert.equal((await request({ tabSize: 4, insertSpaces: true }))[0]!.newText, 'server mx {\n    listen 127.0.0.1:2525\n    hostname mx.example.test\n}\n');
  assert.equal((await request({ tabSize: 4, insertSpaces: false }))[0]!.newText, 'server mx {\n\tlisten 127.0.0.1:2525\n\thostname mx.example.test\n}\n');

  const broken = pathToFileURL(join(dir, 'broken.smtppolicy')).href;
  await open(server, broken, 'server mx {\n  listen 127.0.0.1:2525\n  hostname\n');
  const shown = new Promise<{ type: number; message: string }>((resolve) => server.client.onNotification('window/showMessage', resolve));
  assert.deepEqual(await server.client.sendRequest('textDocument/formatting', { textDocument: { uri: broken }, options: OPTIONS }), []);
  const message = await shown;
  assert.equal(message.type, 2); // Warning
  assert.match(message.message, /^smtppolicy: not formatted: syntax error: expected a host name .*\(4:1\)$/);
  assert.equal(await server.stop(), 0, server.stderr());
});
