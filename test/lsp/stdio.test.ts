import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { spawnStdioServer } from './helpers/stdio-client.js';

const INSECURE = 'users staff file "users.passwd"\nserver submission {\n  listen 127.0.0.1:2587\n  hostname mail.example.test\n  auth {\n    basic users staff\n  }\n}\n';

test('`smtppolicy lsp --stdio` speaks LSP over pipes and exits cleanly on exit', { timeout: 90_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'smtppolicy-lsp-stdio-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const server = spawnStdioServer(process.execPath, ['--import', 'tsx', join(process.cwd(), 'cli', 'main.ts'), 'lsp', '--stdio'], process.cwd());
  t.after(() => server.child.kill('SIGKILL'));

  const init = await server.client.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
  const capabilities = (init as { capabilities: Record<string, unknown> }).capabilities;
  assert.equal(capabilities.hoverProvider, true);
  assert.deepEqual(capabilities.renameProvider, { prepareProvider: true });
  await server.client.sendNotification('initialized', {});

  const uri = pathToFileURL(join(dir, 'submission.smtppolicy')).href;
  const published = server.nextDiagnostics(uri, 60_000);
  await server.client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'smtppolicy', version: 1, text: INSECURE } });
  const { diagnostics } = await published;
  const finding = diagnostics.find((d) => d.code === 'basic-auth-without-tls');
  assert.ok(finding, JSON.stringify(diagnostics));
  assert.deepEqual(finding.range.start, { line: 5, character: 4 });

  assert.equal(await server.stop(), 0, server.stderr());
});

test('`smtppolicy lsp` without --stdio is a usage error', { timeout: 60_000 }, async () => {
  const { main } = await import('../../cli/main.js');
  const { PassThrough } = await import('node:stream');
  const stderr = new PassThrough();
  let text = '';
  stderr.on('data', (c: Buffer) => (text += c.toString()));
  const code = await main(['lsp'], { stdout: new PassThrough(), stderr, stdin: new PassThrough(), cwd: process.cwd(), env: {} });
  assert.equal(code, 2);
  assert.match(text, /--stdio is required/);
});
