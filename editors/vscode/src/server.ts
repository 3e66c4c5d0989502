// The language server as the extension ships it: one bundled file, started by the client
// with `--stdio` (createConnection reads the transport from the command line).

import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startLanguageServer } from '../../../lsp/server.js';

startLanguageServer(createConnection(ProposedFeatures.all));
