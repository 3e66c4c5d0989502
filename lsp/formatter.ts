// Where the language server formats: in-process (tests, benchmarks, embedders that pass
// nothing) or in a worker thread (the shipped servers, lsp/format-worker.ts), so that a
// large file's formatting never holds up diagnostics, hover or completion, and a cancelled
// request stops costing CPU at once.

import type { CancellationToken } from 'vscode-languageserver';
import { type FormatOptions, formatPolicy, PolicySyntaxError } from '../format/format.js';

/** Why a text was not formatted: it has syntax errors (the message says the first and how many). */
export class NotFormattedError extends Error {}

/** The request was cancelled by the client before the formatting ended. */
export class FormattingCancelledError extends Error {
  constructor() {
    super('formatting cancelled');
  }
}

export interface Formatter {
  /** The formatted text; rejects with NotFormattedError on syntax errors, FormattingCancelledError on cancellation. */
  format(text: string, options: FormatOptions, token?: CancellationToken): Promise<string>;
  dispose(): void;
}

/** Formats on the calling thread: simple, but blocks it for as long as prettier runs. */
export const inProcessFormatter: Formatter = {
  async format(text, options, token) {
    if (token?.isCancellationRequested) throw new FormattingCancelledError();
    try {
      return await formatPolicy(text, options);
    } catch (error) {
      // prettier appends a code frame to the message; the editor shows the error in place already.
      if (error instanceof PolicySyntaxError) throw new NotFormattedError(`syntax error: ${error.message.split('\n')[0]}`);
      throw error;
    }
  },
  dispose() {},
};
