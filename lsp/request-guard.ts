// What every request handler checks before it runs, as LSP asks: no request before
// `initialize` (-32002, ServerNotInitialized), and params of the expected shape (-32602,
// InvalidParams, naming what is missing) instead of a TypeError that reaches the client as
// an internal error (-32603) it cannot act on.

import { ErrorCodes, ResponseError } from 'vscode-languageserver';

export class RequestGuard {
  private initialized = false;

  markInitialized(): void {
    this.initialized = true;
  }

  /** For requests about no document (workspace/symbol): only the initialize check. */
  requireInitialized(method: string): void {
    if (!this.initialized) throw new ResponseError(ErrorCodes.ServerNotInitialized, `${method} before initialize: the server is not initialized yet`);
  }

  /** Throws the error the client should get, if any, for a request with these params. */
  check(method: string, params: unknown, needs: { position?: boolean } = {}): void {
    if (!this.initialized) throw new ResponseError(ErrorCodes.ServerNotInitialized, `${method} before initialize: the server is not initialized yet`);
    const textDocument = isObject(params) ? params.textDocument : undefined;
    if (!isObject(textDocument) || typeof textDocument.uri !== 'string') {
      throw new ResponseError(ErrorCodes.InvalidParams, `${method}: params.textDocument.uri (a string) is required`);
    }
    if (needs.position) {
      const position = (params as Record<string, unknown>).position;
      if (!isObject(position) || !isCount(position.line) || !isCount(position.character)) {
        throw new ResponseError(ErrorCodes.InvalidParams, `${method}: params.position with a line and a character (numbers from 0) is required`);
      }
    }
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isCount(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}
