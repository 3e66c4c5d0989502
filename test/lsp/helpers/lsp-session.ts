// A language client for tests: the real server on one end of two in-memory streams, a
// JSON-RPC connection on the other, and the diagnostics the server publishes.

import { PassThrough } from 'node:stream';
import {
  createConnection,
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type Diagnostic,
  type MessageConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver/node';
import { LineIndex } from '../../../grammar/positions.js';
import { startLanguageServer, type LanguageServerOptions } from '../../../lsp/server.js';

export interface Published {
  version?: number;
  diagnostics: Diagnostic[];
}

export class LspSession {
  readonly published = new Map<string, Published[]>();
  private readonly waiters: (() => void)[] = [];
  private readonly versions = new Map<string, number>();

  constructor(
    readonly client: MessageConnection,
    private readonly stop: () => void,
  ) {
    client.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
      const list = this.published.get(params.uri) ?? [];
      list.push({ ...(params.version !== undefined ? { version: params.version } : {}), diagnostics: params.diagnostics });
      this.published.set(params.uri, list);
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  async initialize(initializationOptions: Record<string, unknown> = { diagnosticsDelayMs: 5 }): Promise<unknown> {
    const result = await this.client.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {}, initializationOptions });
    await this.client.sendNotification('initialized', {});
    return result;
  }

  async open(uri: string, text: string): Promise<void> {
    this.versions.set(uri, 1);
    await this.client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'smtppolicy', version: 1, text } });
  }

  /** Replaces the whole text through an incremental change covering the old text. */
  async replace(uri: string, oldText: string, newText: string): Promise<number> {
    const end = new LineIndex(oldText).position(oldText.length);
    return this.edit(uri, [{ range: { start: { line: 0, character: 0 }, end: { line: end.line - 1, character: end.column - 1 } }, text: newText }]);
  }

  async edit(uri: string, contentChanges: unknown[]): Promise<number> {
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    await this.client.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges });
    return version;
  }

  async close(uri: string): Promise<void> {
    await this.client.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  /** Waits for a publication for `uri` that satisfies `accept` (checked on every publication since `from`). */
  async diagnostics(uri: string, accept: (p: Published) => boolean = () => true, timeoutMs = 15_000): Promise<Diagnostic[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = (this.published.get(uri) ?? []).findLast(accept);
      if (found) return found.diagnostics;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching diagnostics for ${uri} within ${timeoutMs} ms; got ${JSON.stringify(this.published.get(uri) ?? [])}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.client.sendRequest(method, params) as Promise<R>;
  }

  async dispose(): Promise<void> {
    await this.client.sendRequest('shutdown');
    this.stop();
  }
}

export function startSession(options: LanguageServerOptions = {}): LspSession {
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  const serverConnection = createConnection(new StreamMessageReader(toServer), new StreamMessageWriter(toClient));
  const server = startLanguageServer(serverConnection, options);
  const client = createMessageConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
  client.listen();
  return new LspSession(client, () => {
    server.dispose();
    client.dispose();
    serverConnection.dispose();
    toServer.end();
    toClient.end();
  });
}

/** Text with a `|` cursor marker → the text without it and the LSP position of the marker. */
export function cursor(marked: string): { text: string; position: { line: number; character: number }; offset: number } {
  const offset = marked.indexOf('|');
  if (offset < 0) throw new Error('no | cursor marker in the text');
  const text = marked.slice(0, offset) + marked.slice(offset + 1);
  const p = new LineIndex(text).position(offset);
  return { text, offset, position: { line: p.line - 1, character: p.column - 1 } };
}
