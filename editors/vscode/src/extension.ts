// The VS Code side: starts the bundled language server (dist/server.mjs) with VS Code's own
// Node and connects it to .smtppolicy documents.

import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const module = context.asAbsolutePath('dist/server.mjs');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.stdio },
    debug: { module, transport: TransportKind.stdio, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'smtppolicy' },
      { scheme: 'untitled', language: 'smtppolicy' },
    ],
    // Included files changed outside the editor change what open policies mean.
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher('**/*.smtppolicy') },
  };
  client = new LanguageClient('smtppolicy', 'smtppolicy language server', serverOptions, clientOptions);
  context.subscriptions.push(client);
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
