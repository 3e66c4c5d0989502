// The language server as the extension ships it: one bundled file, started by the client
// with `--stdio` (createConnection reads the transport from the command line). The same file
// is the formatting worker's entry (lsp/format-worker.ts): a bundle has no other to start.

import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { isFormatWorker, serveFormatRequests, workerFormatter } from '../../../lsp/format-worker.js';
import { startLanguageServer } from '../../../lsp/server.js';

if (isFormatWorker()) serveFormatRequests();
else startLanguageServer(createConnection(ProposedFeatures.all), { formatter: workerFormatter(new URL(import.meta.url)) });
