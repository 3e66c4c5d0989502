import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { spawnStdioServer } from '../../lsp/helpers/stdio-client.js';

const PACKAGE_TIME_LIMIT_MS = 240_000;

function run(command: string, args: string[], timeoutMs: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} took longer than ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** File names of a zip archive, read from its central directory. */
function zipEntries(zip: Buffer): string[] {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(end >= 0, 'not a zip archive: no end of central directory');
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    assert.equal(zip.readUInt32LE(at), 0x02014b50, 'corrupt central directory');
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    names.push(zip.toString('utf8', at + 46, at + 46 + nameLength));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}

test('npm run package:vscode builds a self-contained .vsix whose bundled server works outside the repository', { timeout: PACKAGE_TIME_LIMIT_MS + 90_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'smtppolicy-vsix-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const vsix = join(dir, 'smtppolicy.vsix');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const { code, output } = await run(npm, ['run', '--silent', 'package:vscode', '--', '--out', vsix], PACKAGE_TIME_LIMIT_MS);
  assert.equal(code, 0, output);

  const entries = zipEntries(readFileSync(vsix));
  for (const expected of [
    'extension/package.json',
    'extension/dist/extension.cjs',
    'extension/dist/server.mjs',
    'extension/syntaxes/smtppolicy.tmLanguage.json',
    'extension/language-configuration.json',
    'extension/snippets/smtppolicy.json',
  ]) {
    assert.ok(entries.includes(expected), `${expected} missing from the .vsix: ${entries.join(', ')}`);
  }
  assert.deepEqual(entries.filter((e) => e.includes('node_modules/') || e.includes('/src/')), []);
  const manifest = JSON.parse(readFileSync(join('editors', 'vscode', 'package.json'), 'utf8')) as { main: string; contributes: { languages: { id: string; extensions: string[] }[] } };
  assert.equal(manifest.main, './dist/extension.cjs');
  assert.deepEqual(manifest.contributes.languages[0], { ...manifest.contributes.languages[0], id: 'smtppolicy', extensions: ['.smtppolicy'] });

  // The bundle must run with no node_modules around it, as it does inside VS Code.
  const isolated = join(dir, 'server.mjs');
  copyFileSync(join('editors', 'vscode', 'dist', 'server.mjs'), isolated);
  const server = spawnStdioServer(process.execPath, [isolated, '--stdio'], dir);
  t.after(() => server.child.kill('SIGKILL'));
  await server.client.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {} });
  await server.client.sendNotification('initialized', {});
  const uri = pathToFileURL(join(dir, 'open.smtppolicy')).href;
  const published = server.nextDiagnostics(uri, 60_000);
  // listening on every interface: relay for anyone on loopback alone is local, not an open relay
  await server.client.sendNotification('textDocument/didOpen', {
    textDocument: { uri, languageId: 'smtppolicy', version: 1, text: 'server open {\n  listen 0.0.0.0:2526\n  hostname mx.example.test\n  relay { anyone }\n}\n' },
  });
  const { diagnostics } = await published;
  assert.ok(diagnostics.some((d) => d.code === 'open-relay'), `${JSON.stringify(diagnostics)}\n${server.stderr()}`);
  // Formatting runs in a worker started from the same bundled file (lsp/format-worker.ts).
  const edits = await server.client.sendRequest<{ newText: string }[]>('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 4, insertSpaces: true } });
  assert.match(edits[0]?.newText ?? '', /^ {4}listen 0\.0\.0\.0:2526$/m, server.stderr());
  assert.equal(await server.stop(), 0, server.stderr());
});
