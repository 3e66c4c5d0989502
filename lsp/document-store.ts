// Open documents and what the compiler made of them.
//
// Each open document is checked as the entry of a policy (parse, includes, resolve, lint),
// reading open buffers before the disk so unsaved edits and their includes are seen. Results
// are cached per document and remember which files they read at which version, so an edit
// invalidates exactly the results that depend on the edited file, and nothing else.

import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type Diagnostic, type ParsedText, reparse } from '../grammar/index.js';
import { checkPolicy, type CheckResult, CheckReuse, type DecodedText, type LintOptions, readDecodedFromDisk, type SourceFile } from '../compiler/index.js';
import { uriToPath } from './convert.js';

/** The editor's view of a document: what vscode-languageserver's TextDocuments holds. */
export interface EditorDocument {
  readonly uri: string;
  readonly version: number;
  getText(): string;
}

export interface DocumentSource {
  get(uri: string): EditorDocument | undefined;
  all(): EditorDocument[];
}

type ReadState = number | 'disk';

export interface Analysis {
  uri: string;
  version: number;
  /** The file path the document is checked as (a stand-in path for untitled buffers). */
  path: string;
  check: CheckResult;
  /** Every file the check asked for, with the version it got (open buffer) or 'disk'. */
  reads: Map<string, ReadState>;
  diskGeneration: number;
}

/** What the features see for one document: its file and the policy it belongs to. */
export interface PolicyContext {
  uri: string;
  /** The document itself, as parsed for this check. */
  current: SourceFile;
  /** The check that gives the document its meaning: an open file that includes it, or itself. */
  check: CheckResult;
  /** Every file known to be related: the check's files, plus other open policies that include this one. */
  related: SourceFile[];
  /** The diagnostics that point into the document. */
  diagnostics: Diagnostic[];
}

export interface DocumentStoreOptions {
  /** Reads a file that is not open; default: from disk, decoded as the CLI decodes it (invalid UTF-8 reported). */
  readFile?: (path: string) => Promise<string | DecodedText>;
}

export class DocumentStore {
  private readonly cache = new Map<string, Promise<Analysis>>();
  private diskGeneration = 0;
  private readonly readDisk: (path: string) => Promise<string | DecodedText>;
  // The last parse of each file, so that the next check parses only what an edit touched.
  private readonly parses = new Map<string, ParsedText>();
  private readonly parseText = (text: string, displayName: string, path: string) => {
    const result = reparse(this.parses.get(path), text, displayName);
    this.parses.set(path, { text, file: displayName, result });
    return result;
  };
  // What checks take over from earlier checks where an edit left the syntax as it was.
  private readonly reuse = new CheckReuse();

  constructor(
    private readonly documents: DocumentSource,
    options: DocumentStoreOptions = {},
  ) {
    this.readDisk = options.readFile ?? readDecodedFromDisk;
  }

  /** The path a document is checked as. */
  pathOf(uri: string): string {
    return uriToPath(uri) ?? join(tmpdir(), 'smtppolicy-untitled', `${encodeURIComponent(uri)}.smtppolicy`);
  }

  /** The open document with this path, if any. */
  openAt(path: string): EditorDocument | undefined {
    return this.documents.all().find((d) => this.pathOf(d.uri) === path);
  }

  private lint: LintOptions = {};

  /** New rule severities (the editor's settings): every result is stale. */
  setLintOptions(options: LintOptions): void {
    this.lint = options;
    this.diskGeneration++;
  }

  /** Files on disk may have changed (a watched-file event): results that read them are stale. */
  diskChanged(): void {
    this.diskGeneration++;
  }

  forget(uri: string): void {
    this.cache.delete(uri);
    this.parses.delete(this.pathOf(uri));
  }

  /** Whether a cached result (if any) read this path, so that it must be redone after it changes. */
  async dependsOn(uri: string, path: string): Promise<boolean> {
    const cached = this.cache.get(uri);
    if (!cached) return true;
    const analysis = await cached.catch(() => undefined);
    return !analysis || analysis.path === path || analysis.reads.has(path);
  }

  async analyze(uri: string): Promise<Analysis | undefined> {
    const document = this.documents.get(uri);
    if (!document) return undefined;
    const cached = this.cache.get(uri);
    if (cached) {
      const analysis = await cached.catch(() => undefined);
      if (analysis && this.isFresh(analysis, document)) return analysis;
      // Another call may have replaced the entry while we waited: use it if it is fresh.
      const latest = this.cache.get(uri);
      if (latest && latest !== cached) {
        const other = await latest.catch(() => undefined);
        if (other && this.isFresh(other, document)) return other;
      }
    }
    const pending = this.check(document);
    this.cache.set(uri, pending);
    return pending;
  }

  /** The policy context of a document: the first open file that includes it, else itself. */
  async context(uri: string): Promise<PolicyContext | undefined> {
    const own = await this.analyze(uri);
    if (!own) return undefined;
    const including: Analysis[] = [];
    for (const other of this.documents.all()) {
      if (other.uri === uri) continue;
      const analysis = await this.analyze(other.uri);
      if (analysis && analysis.check.files.some((f) => f.path === own.path)) including.push(analysis);
    }
    const root = including[0] ?? own;
    const current = root.check.files.find((f) => f.path === own.path) ?? own.check.files[0]!;
    const related = new Map<string, SourceFile>();
    for (const analysis of [root, own, ...including]) for (const file of analysis.check.files) if (!related.has(file.path)) related.set(file.path, file);
    return {
      uri,
      current,
      check: root.check,
      related: [...related.values()],
      diagnostics: root.check.diagnostics.filter((d) => d.file === current.displayName),
    };
  }

  private isFresh(analysis: Analysis, document: EditorDocument): boolean {
    if (analysis.version !== document.version || analysis.diskGeneration !== this.diskGeneration) return false;
    for (const [path, state] of analysis.reads) {
      if ((this.openAt(path)?.version ?? 'disk') !== state) return false;
    }
    return true;
  }

  private async check(document: EditorDocument): Promise<Analysis> {
    const path = this.pathOf(document.uri);
    // TextDocuments updates documents in place: take the text now, with the version it belongs to.
    const version = document.version;
    const text = document.getText();
    const reads = new Map<string, ReadState>();
    const diskGeneration = this.diskGeneration;
    const readText = async (file: string): Promise<string | DecodedText> => {
      if (file === path) {
        reads.set(file, version);
        return text;
      }
      const open = this.openAt(file);
      reads.set(file, open?.version ?? 'disk');
      return open ? open.getText() : this.readDisk(file);
    };
    const check = await checkPolicy(path, { cwd: dirname(path), readText, parseText: this.parseText, reuse: this.reuse, lint: this.lint });
    return { uri: document.uri, version, path, check, reads, diskGeneration };
  }
}
