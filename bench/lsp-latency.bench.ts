// Language server latency: from a one-character edit to the diagnostics that reflect it, on a
// 5,000-line policy, over a real LSP connection (in-memory streams). The debounce is set to
// 0 so the figure is the server's own work; editors add the debounce (200 ms by default) on
// top. Reference: checkPolicy on the same text, the least a full re-check can cost.

import { performance } from 'node:perf_hooks';
import { PassThrough } from 'node:stream';
import {
  createConnection,
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver/node';
import { checkPolicy } from '../compiler/index.js';
import { startLanguageServer } from '../lsp/server.js';
import type { BenchOptions, BenchRow } from './bench-kit.js';
import { percentile, timeMedian } from './bench-kit.js';
import { generatePolicy } from './generate-policy.js';

const LINES = 5_000;

export async function run({ quick }: BenchOptions): Promise<BenchRow[]> {
  const text = generatePolicy(LINES);
  const uri = 'file:///bench/policy.smtppolicy';
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  const serverConnection = createConnection(new StreamMessageReader(toServer), new StreamMessageWriter(toClient));
  // Included and password files do not exist here: the bench measures the check, not the disk.
  const server = startLanguageServer(serverConnection, { diagnosticsDelayMs: 0, readFile: async () => text });
  const client = createMessageConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
  const waiting = new Map<number, () => void>();
  client.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
    if (p.version !== undefined) waiting.get(p.version)?.();
  });
  client.listen();

  const published = (version: number) => new Promise<void>((resolve) => waiting.set(version, resolve));
  try {
    await client.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {} });
    await client.sendNotification('initialized', {});
    let version = 1;
    let ready = published(version);
    await client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'smtppolicy', version, text } });
    await ready;

    // Edit the last octet of an address in the middle of the file back and forth.
    const lines = text.split('\n');
    const line = lines.findIndex((l, i) => i > LINES / 2 && /^ {2}10\.\d+\.\d+\.\d$/.test(l));
    const character = lines[line]!.length - 1;
    const runs = quick ? 15 : 60;
    const times: number[] = [];
    for (let i = 0; i < runs + 3; i++) {
      version++;
      ready = published(version);
      const start = performance.now();
      await client.sendNotification('textDocument/didChange', {
        textDocument: { uri, version },
        contentChanges: [{ range: { start: { line, character }, end: { line, character: character + 1 } }, text: String(i % 2 ? 1 : 2) }],
      });
      await ready;
      if (i >= 3) times.push(performance.now() - start); // the first runs warm the JIT
    }
    const reference = await timeMedian(quick ? 5 : 9, () => checkPolicy('/bench/policy.smtppolicy', { cwd: '/bench', readText: async () => text }));
    return [
      { name: `change → diagnostics p50, ${LINES.toLocaleString('en')} lines`, value: percentile(times, 50), unit: 'ms', reference: { name: 'checkPolicy alone', value: reference } },
      { name: `change → diagnostics p95, ${LINES.toLocaleString('en')} lines`, value: percentile(times, 95), unit: 'ms', reference: { name: 'checkPolicy alone', value: reference } },
    ];
  } finally {
    server.dispose();
    client.dispose();
    serverConnection.dispose();
    toServer.end();
    toClient.end();
  }
}
