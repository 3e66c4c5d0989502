// Language server latency: from a one-character edit to the diagnostics that reflect it, on a
// 5,000-line policy, over a real LSP connection (in-memory streams). The debounce is set to
// 0 so the figure is the server's own work; editors add the debounce (200 ms by default) on
// top. Reference: checkPolicy on the same text, the least a full re-check can cost. Both are
// timed as they ship (bench/shipped.ts): the language server runs from the bundled command.

import { performance } from 'node:perf_hooks';
import { PassThrough } from 'node:stream';
import {
  createConnection,
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver/node';
import type * as Compiler from '../compiler/index.js';
import type * as LanguageServer from '../lsp/server.js';
import type { BenchOptions, BenchRow } from './bench-kit.js';
import { percentile, timeMedian } from './bench-kit.js';
import { generatePolicy } from './generate-policy.js';
import { importShipped } from './shipped.js';

const LINES = 5_000;
const TARGET_P95_MS = 50;

export async function run({ quick }: BenchOptions): Promise<BenchRow[]> {
  const { checkPolicy } = await importShipped<typeof Compiler>('compiler/index.ts');
  const { startLanguageServer } = await importShipped<typeof LanguageServer>('lsp/server.ts');
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

    const lines = text.split('\n');
    const line = lines.findIndex((l, i) => i > LINES / 2 && /^ {2}10\.\d+\.\d+\.\d$/.test(l));
    const runs = quick ? 15 : 60;
    /** Sends `runs` edits (after 3 that warm the JIT) and times each until its diagnostics arrive. */
    const timeEdits = async (edit: (i: number) => { start: number; end: number; text: string }): Promise<number[]> => {
      const times: number[] = [];
      for (let i = 0; i < runs + 3; i++) {
        const { start: from, end: to, text: newText } = edit(i);
        version++;
        ready = published(version);
        const start = performance.now();
        await client.sendNotification('textDocument/didChange', {
          textDocument: { uri, version },
          contentChanges: [{ range: { start: { line, character: from }, end: { line, character: to } }, text: newText }],
        });
        await ready;
        if (i >= 3) times.push(performance.now() - start);
      }
      return times;
    };
    // Change the last octet of an address in the middle of the file back and forth: the
    // rest of the file keeps its positions.
    const character = lines[line]!.length - 1;
    const changes = await timeEdits((i) => ({ start: character, end: character + 1, text: String(i % 2 ? 1 : 2) }));
    // Type a blank before that address, then delete it: everything after the edit moves.
    const typing = await timeEdits((i) => (i % 2 ? { start: 0, end: 1, text: '' } : { start: 0, end: 0, text: ' ' }));
    const reference = await timeMedian(quick ? 5 : 9, () => checkPolicy('/bench/policy.smtppolicy', { cwd: '/bench', readText: async () => text }));
    const ref = { name: 'checkPolicy alone', value: reference };
    const size = `${LINES.toLocaleString('en')} lines`;
    const p95 = percentile(changes, 95);
    const typingP95 = percentile(typing, 95);
    return [
      { name: `change → diagnostics p50, ${size}`, value: percentile(changes, 50), unit: 'ms', reference: ref },
      { name: `change → diagnostics p95, ${size}`, value: p95, unit: 'ms', reference: ref, target: `< ${TARGET_P95_MS} ms`, met: p95 < TARGET_P95_MS },
      { name: `type/delete a character → diagnostics p50, ${size}`, value: percentile(typing, 50), unit: 'ms', reference: ref },
      { name: `type/delete a character → diagnostics p95, ${size}`, value: typingP95, unit: 'ms', reference: ref, target: `< ${TARGET_P95_MS} ms`, met: typingP95 < TARGET_P95_MS },
    ];
  } finally {
    server.dispose();
    client.dispose();
    serverConnection.dispose();
    toServer.end();
    toClient.end();
  }
}
