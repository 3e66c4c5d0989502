// The language server: wires a connection to the document store and the features. Every
// feature is a pure function in features/; this file only translates requests, schedules
// diagnostics and publishes them.

import { readdir } from 'node:fs/promises';
import {
  CodeActionKind,
  DocumentDiagnosticReportKind,
  DidChangeWatchedFilesNotification,
  ResponseError,
  ErrorCodes,
  LSPErrorCodes,
  MessageType,
  ShowMessageNotification,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type Diagnostic,
  type InitializeResult,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { SourceFile } from '../compiler/index.js';
import { resolveConfig } from 'prettier';
import { DocumentStore } from './document-store.js';
import { defaultRuleCatalog } from './default-rules.js';
import type { RuleCatalog } from './rule-catalog.js';
import { RequestGuard } from './request-guard.js';
import { LastGoodFindings } from './last-good-findings.js';
import { readSettings } from './settings.js';
import { codeActions } from './features/code-actions.js';
import { completion, type DirectoryEntry } from './features/completion.js';
import { documentDiagnostics, includedFileDiagnostics } from './features/diagnostics.js';
import { formatDocument } from './features/formatting.js';
import { FormattingCancelledError, inProcessFormatter, NotFormattedError, type Formatter } from './formatter.js';
import { hover } from './features/hover.js';
import { definition, documentHighlights, references } from './features/navigation.js';
import { documentLinks } from './features/links.js';
import { inlayHints } from './features/inlay-hints.js';
import { certificateHints, type CertificateReader } from './features/certificate-hints.js';
import { diskCertificateReader } from './certificate-reader.js';
import { foldingRanges, selectionRanges } from './features/structure.js';
import { workspaceSymbols } from './features/workspace-symbols.js';
import { classifyTokens, encodeSemanticTokens, SEMANTIC_TOKENS_LEGEND } from './features/semantic-tokens.js';
import { SemanticTokenResults } from './semantic-token-results.js';
import { prepareRename, rename, RenameError } from './features/rename.js';
import { documentSymbols } from './features/symbols.js';

export interface LanguageServerOptions {
  /** Quiet time after the last keystroke before diagnostics are recomputed. Default 200 ms. */
  diagnosticsDelayMs?: number;
  rules?: RuleCatalog;
  readFile?: (path: string) => Promise<string>;
  listDirectory?: (path: string) => Promise<DirectoryEntry[]>;
  /** Where formatting runs; the shipped servers pass a worker (lsp/format-worker.ts). Default: in-process. */
  formatter?: Formatter;
  /** Reads the certificates a policy names, and says what time it is, for their validity hints. Default: the disk and the clock. */
  certificates?: CertificateReader;
}

export const DEFAULT_DIAGNOSTICS_DELAY_MS = 200;

async function listDirectoryFromDisk(path: string): Promise<DirectoryEntry[]> {
  const entries = await readdir(path, { withFileTypes: true });
  return entries.map((e) => ({ name: e.name, isDirectory: e.isDirectory() }));
}

export interface RunningLanguageServer {
  /** Stops pending diagnostics runs (the connection itself belongs to the caller). */
  dispose(): void;
}

export function startLanguageServer(connection: Connection, options: LanguageServerOptions = {}): RunningLanguageServer {
  const documents = new TextDocuments(TextDocument);
  // Files that are not open are read as the CLI reads them, so the editor reports invalid UTF-8 too.
  const store = new DocumentStore(documents, options.readFile ? { readFile: options.readFile } : {});
  const rules = options.rules ?? defaultRuleCatalog();
  const listDirectory = options.listDirectory ?? listDirectoryFromDisk;
  const formatter = options.formatter ?? inProcessFormatter;
  let delayMs = options.diagnosticsDelayMs ?? DEFAULT_DIAGNOSTICS_DELAY_MS;
  let watchFiles = false;
  let askForSettings = false;
  const timers = new Map<string, NodeJS.Timeout>();
  const guard = new RequestGuard();
  const lastGood = new LastGoodFindings();
  const semanticResults = new SemanticTokenResults();

  connection.onInitialize((params): InitializeResult => {
    guard.markInitialized();
    const init = params.initializationOptions as { diagnosticsDelayMs?: unknown } | undefined;
    if (typeof init?.diagnosticsDelayMs === 'number' && init.diagnosticsDelayMs >= 0) delayMs = init.diagnosticsDelayMs;
    watchFiles = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    askForSettings = params.capabilities.workspace?.configuration === true;
    return {
      capabilities: {
        textDocumentSync: {
          openClose: true,
          change: TextDocumentSyncKind.Incremental,
        },
        hoverProvider: true,
        completionProvider: { triggerCharacters: ['@', '"', '/', ' '] },
        definitionProvider: true,
        referencesProvider: true,
        documentSymbolProvider: true,
        renameProvider: { prepareProvider: true },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        documentFormattingProvider: true,
        foldingRangeProvider: true,
        selectionRangeProvider: true,
        documentLinkProvider: { resolveProvider: false },
        documentHighlightProvider: true,
        workspaceSymbolProvider: true,
        inlayHintProvider: true,
        semanticTokensProvider: { legend: SEMANTIC_TOKENS_LEGEND, full: { delta: true }, range: true },
        // Pull diagnostics (LSP 3.17) for clients that ask instead of listening; an edit of an
        // included file changes the findings of the files that include it.
        diagnosticProvider: { interFileDependencies: true, workspaceDiagnostics: false },
      },
      serverInfo: { name: 'smtppolicy' },
    };
  });

  /** Applies the editor's settings and re-checks the open documents with them. */
  const applySettings = (raw: unknown): void => {
    const { settings, problems } = readSettings(raw);
    for (const problem of problems) void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message: problem });
    if (settings.diagnosticsDelayMs !== undefined) delayMs = settings.diagnosticsDelayMs;
    store.setLintOptions({ rules: settings.rules });
    for (const document of documents.all()) schedule(document.uri);
  };
  const fetchSettings = async (): Promise<void> => {
    try {
      applySettings(await connection.workspace.getConfiguration('smtppolicy'));
    } catch (error) {
      connection.console.error(`smtppolicy: reading the settings failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  connection.onDidChangeConfiguration((params) => {
    // Clients that answer workspace/configuration are asked; others send the settings along.
    if (askForSettings) void fetchSettings();
    else applySettings((params?.settings as { smtppolicy?: unknown } | undefined)?.smtppolicy);
  });

  connection.onInitialized(() => {
    if (askForSettings) void fetchSettings();
    // Included files edited outside the editor change what open policies mean.
    if (watchFiles)
      void connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [{ globPattern: '**/*.smtppolicy' }],
      });
  });

  // For each open document, the closed included files it published diagnostics for.
  const publishedIncludes = new Map<string, Set<string>>();
  const publishIncludes = async (uri: string, byUri: Map<string, Diagnostic[]>): Promise<void> => {
    for (const old of publishedIncludes.get(uri) ?? []) {
      if (!byUri.has(old) && !documents.get(old)) await connection.sendDiagnostics({ uri: old, diagnostics: [] });
    }
    publishedIncludes.set(uri, new Set(byUri.keys()));
    for (const [included, diagnostics] of byUri) await connection.sendDiagnostics({ uri: included, diagnostics });
  };

  const publish = async (uri: string): Promise<void> => {
    const document = documents.get(uri);
    if (!document) return;
    const version = document.version;
    try {
      const context = await store.context(uri);
      // A newer edit has its own run coming; publishing this one would flash stale results.
      if (!context || documents.get(uri)?.version !== version) return;
      await connection.sendDiagnostics({
        uri,
        version,
        diagnostics: documentDiagnostics(context, rules, lastGood.diagnosticsFor(uri, context.current.text, context.diagnostics)),
      });
      await publishIncludes(uri, includedFileDiagnostics(context, rules, (included) => documents.get(included) !== undefined));
    } catch (error) {
      connection.console.error(`smtppolicy: checking ${uri} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  };

  const schedule = (uri: string): void => {
    clearTimeout(timers.get(uri));
    timers.set(
      uri,
      setTimeout(() => {
        timers.delete(uri);
        void publish(uri);
      }, delayMs),
    );
  };

  /** The changed document and every open document that read it (through includes). */
  const scheduleAffected = async (uri: string | undefined, path: string | undefined): Promise<void> => {
    if (uri && documents.get(uri)) schedule(uri);
    for (const other of documents.all()) {
      if (other.uri === uri) continue;
      if (path === undefined || (await store.dependsOn(other.uri, path))) schedule(other.uri);
    }
  };

  documents.onDidChangeContent((event) => void scheduleAffected(event.document.uri, store.pathOf(event.document.uri)));
  documents.onDidClose((event) => {
    const uri = event.document.uri;
    clearTimeout(timers.get(uri));
    timers.delete(uri);
    store.forget(uri);
    lastGood.forget(uri);
    semanticResults.forget(uri);
    void connection.sendDiagnostics({ uri, diagnostics: [] });
    void publishIncludes(uri, new Map()).then(() => publishedIncludes.delete(uri));
    // Files that include it now read it from disk, which may differ from the buffer.
    void scheduleAffected(undefined, store.pathOf(uri));
  });
  connection.onDidChangeWatchedFiles(() => {
    store.diskChanged();
    for (const document of documents.all()) schedule(document.uri);
  });

  const withContext = async <T>(
    uri: string,
    position: { line: number; character: number },
    fallback: T,
    run: (context: NonNullable<Awaited<ReturnType<DocumentStore['context']>>>, offset: number) => T | Promise<T>,
  ): Promise<T> => {
    const document = documents.get(uri);
    if (!document) return fallback;
    const context = await store.context(uri);
    if (!context) return fallback;
    return run(context, document.offsetAt(position));
  };

  connection.onHover((params) => {
    guard.check('textDocument/hover', params, { position: true });
    return withContext(params.textDocument.uri, params.position, null, (context, offset) => hover(context, offset, rules));
  });
  connection.onCompletion((params) => {
    guard.check('textDocument/completion', params, { position: true });
    return withContext(params.textDocument.uri, params.position, [], (context, offset) => completion(context, offset, { rules, listDirectory }));
  });
  connection.onDefinition((params) => {
    guard.check('textDocument/definition', params, { position: true });
    return withContext(params.textDocument.uri, params.position, [], definition);
  });
  connection.onReferences((params) => {
    guard.check('textDocument/references', params, { position: true });
    return withContext(params.textDocument.uri, params.position, [], (context, offset) => references(context, offset, params.context?.includeDeclaration ?? true));
  });
  connection.onDocumentSymbol(async (params) => {
    guard.check('textDocument/documentSymbol', params);
    const context = await store.context(params.textDocument.uri);
    return context ? documentSymbols(context.current.ast) : [];
  });
  connection.onPrepareRename((params) => {
    guard.check('textDocument/prepareRename', params, { position: true });
    return withContext(params.textDocument.uri, params.position, null, prepareRename);
  });
  connection.onRenameRequest(async (params) => {
    guard.check('textDocument/rename', params, { position: true });
    if (typeof params.newName !== 'string') throw new ResponseError(ErrorCodes.InvalidParams, 'textDocument/rename: params.newName (a string) is required');
    try {
      return await withContext(params.textDocument.uri, params.position, null, (context, offset) => rename(context, offset, params.newName));
    } catch (error) {
      if (error instanceof RenameError) throw new ResponseError(ErrorCodes.InvalidParams, error.message);
      throw error;
    }
  });
  connection.onCodeAction(async (params) => {
    guard.check('textDocument/codeAction', params);
    if (typeof params.range?.start?.line !== 'number' || typeof params.range?.end?.line !== 'number') {
      throw new ResponseError(ErrorCodes.InvalidParams, 'textDocument/codeAction: params.range is required');
    }
    const document = documents.get(params.textDocument.uri);
    if (!document) return [];
    const context = await store.context(params.textDocument.uri);
    if (!context) return [];
    const range = {
      start: document.offsetAt(params.range.start),
      end: document.offsetAt(params.range.end),
    };
    return codeActions(context, range, rules);
  });

  connection.onFoldingRanges(async (params) => {
    guard.check('textDocument/foldingRange', params);
    const context = await store.context(params.textDocument.uri);
    return context ? foldingRanges(context.current.ast) : [];
  });
  connection.onSelectionRanges(async (params) => {
    guard.check('textDocument/selectionRange', params);
    const document = documents.get(params.textDocument.uri);
    const context = document && (await store.context(params.textDocument.uri));
    if (!document || !context || !Array.isArray(params.positions)) return [];
    return selectionRanges(
      context.current.ast,
      params.positions.map((p) => document.offsetAt(p)),
    );
  });
  connection.onDocumentLinks(async (params) => {
    guard.check('textDocument/documentLink', params);
    const context = await store.context(params.textDocument.uri);
    return context ? documentLinks(context.current, rules) : [];
  });
  connection.onDocumentHighlight((params) => {
    guard.check('textDocument/documentHighlight', params, { position: true });
    return withContext(params.textDocument.uri, params.position, [], documentHighlights);
  });
  connection.onWorkspaceSymbol(async (params) => {
    guard.requireInitialized('workspace/symbol');
    const files = new Map<string, SourceFile>();
    for (const document of documents.all()) {
      const context = await store.context(document.uri);
      for (const file of context?.related ?? []) if (!files.has(file.path)) files.set(file.path, file);
    }
    return workspaceSymbols([...files.values()], typeof params?.query === 'string' ? params.query : '');
  });
  connection.languages.inlayHint.on(async (params) => {
    guard.check('textDocument/inlayHint', params);
    const context = await store.context(params.textDocument.uri);
    if (!context) return [];
    return [...inlayHints(context), ...(await certificateHints(context.current, options.certificates ?? diskCertificateReader))];
  });
  const semanticTokensOf = async (uri: string, within?: { startLine: number; endLine: number }): Promise<number[]> => {
    const context = await store.context(uri);
    return context ? encodeSemanticTokens(classifyTokens(context.current.text, context.current.ast), within) : [];
  };
  connection.languages.semanticTokens.on(async (params) => {
    guard.check('textDocument/semanticTokens/full', params);
    return semanticResults.full(params.textDocument.uri, await semanticTokensOf(params.textDocument.uri));
  });
  connection.languages.semanticTokens.onDelta(async (params) => {
    guard.check('textDocument/semanticTokens/full/delta', params);
    const data = await semanticTokensOf(params.textDocument.uri);
    return typeof params.previousResultId === 'string' ? semanticResults.delta(params.textDocument.uri, params.previousResultId, data) : semanticResults.full(params.textDocument.uri, data);
  });
  connection.languages.semanticTokens.onRange(async (params) => {
    guard.check('textDocument/semanticTokens/range', params);
    if (typeof params.range?.start?.line !== 'number' || typeof params.range?.end?.line !== 'number') {
      throw new ResponseError(ErrorCodes.InvalidParams, 'textDocument/semanticTokens/range: params.range is required');
    }
    // Whole lines: a token that starts before the range and reaches into it is still shown.
    return { data: await semanticTokensOf(params.textDocument.uri, { startLine: params.range.start.line + 1, endLine: params.range.end.line + 1 }) };
  });
  connection.languages.diagnostics.on(async (params) => {
    guard.check('textDocument/diagnostic', params);
    const uri = params.textDocument.uri;
    const context = await store.context(uri);
    if (!context) return { kind: DocumentDiagnosticReportKind.Full, items: [] };
    return { kind: DocumentDiagnosticReportKind.Full, items: documentDiagnostics(context, rules, lastGood.diagnosticsFor(uri, context.current.text, context.diagnostics)) };
  });

  connection.onDocumentFormatting(async (params, token) => {
    guard.check('textDocument/formatting', params);
    const document = documents.get(params.textDocument.uri);
    if (!document) return [];
    try {
      const resolve = (path: string) => resolveConfig(path, { editorconfig: true });
      return await formatDocument(document.getText(), store.pathOf(document.uri), params.options, { resolveConfig: resolve, formatter }, token);
    } catch (error) {
      if (error instanceof FormattingCancelledError) throw new ResponseError(LSPErrorCodes.RequestCancelled, error.message);
      if (error instanceof NotFormattedError) {
        // Formatting a partial tree would lose what the parser skipped; say so rather than do nothing.
        void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message: `smtppolicy: not formatted: ${error.message}` });
        return [];
      }
      throw error;
    }
  });

  documents.listen(connection);
  connection.listen();
  return {
    dispose() {
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
      formatter.dispose();
    },
  };
}
