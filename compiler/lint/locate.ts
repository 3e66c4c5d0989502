// Small lookups that rules share: from config items back to syntax, and from syntax to
// the words a message needs ("line 12", "mail.pem").

import type { AuthMethod, NodeBase, Range, ServerDecl, ServerSetting, TlsBlock } from '../../grammar/ast.js';
import { ownFields } from '../../grammar/span-node.js';
import type { Located, PolicyModel, ServerModel } from '../model.js';

/** The syntax node a config `source` came from; rules skip items that have none. */
export function nodeAt(model: PolicyModel, source: string | null): Located | undefined {
  return model.nodeAt(source);
}

/** `line 12` when the location is in the entry file, `common.smtppolicy:12` otherwise. */
export function where(model: PolicyModel, source: string | null): string {
  if (source === null) return 'by default';
  const match = /^(.*):(\d+):(\d+)$/.exec(source);
  if (!match) return source;
  const located = model.nodeAt(source);
  const entry = model.files[0];
  if (located && entry && located.file.path === entry.path) return `line ${match[2]}`;
  return `${located?.file.displayName ?? match[1]}:${match[2]}`;
}

export function settingsOf<K extends ServerSetting['kind']>(decl: ServerDecl, kind: K): Extract<ServerSetting, { kind: K }>[] {
  return decl.settings.filter((s): s is Extract<ServerSetting, { kind: K }> => s.kind === kind);
}

/** The server's (first) tls block, the one the compiler used. */
export function tlsBlockOf(server: ServerModel): TlsBlock | undefined {
  return settingsOf(server.decl, 'Tls')[0];
}

export function serverLabel(server: ServerModel): string {
  return `server '${server.config.name}'`;
}

/** `basic users staff` as a whole: the method and the store it names. */
export function authMethodRange(method: AuthMethod): Range {
  return extentOf(method);
}

/**
 * The span of a node and everything under it. A node's own range should already cover its
 * children, but recovered or hand-built nodes may not: fixes must never cut a child in two.
 */
export function extentOf(node: NodeBase): Range {
  let end = node.range.end;
  const visit = (value: unknown, depth: number): void => {
    if (depth > 8 || value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (const item of value) visit(item, depth + 1);
      return;
    }
    const range = (value as Partial<NodeBase>).range;
    if (range && range.end.offset > end.offset) end = range.end;
    for (const [key, child] of Object.entries(ownFields(value))) if (key !== 'range') visit(child, depth + 1);
  };
  visit(node, 0);
  return { start: node.range.start, end };
}
