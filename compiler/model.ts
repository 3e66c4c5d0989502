// The resolved policy: the runtime config the server will run, plus the links from each
// part of it back to the syntax it came from. Lint rules read both: they reason over the
// config (the same thing the server executes) and report at the syntax that caused it.

import type { AnyNode, ListDecl, ServerDecl, UserStoreDecl } from '../grammar/ast.js';
import type { RuntimeConfig, ServerConfig } from '../runtime/config/types.js';
import type { CheckReuse } from './check-reuse.js';
import type { SourceFile } from './source-set.js';

/** A syntax node together with the file it is in. */
export interface Located<T extends AnyNode = AnyNode> {
  node: T;
  file: SourceFile;
}

export interface ServerModel {
  decl: ServerDecl;
  file: SourceFile;
  config: ServerConfig;
}

export interface PolicyModel {
  /** Absolute directory that the config's paths and `source` locations are relative to. */
  baseDir: string;
  /** Entry first, then included files. */
  files: SourceFile[];
  config: RuntimeConfig;
  servers: ServerModel[];
  lists: Map<string, Located<ListDecl>>;
  userStores: Map<string, Located<UserStoreDecl>>;
  /**
   * Maps a `source` string of the config (`file:line:col`) back to its syntax node, so a
   * finding made on the config can be reported at, and fixed in, the text.
   */
  nodeAt(source: string | null): Located | undefined;
  /** Results of earlier checks of the same document that lint may take over (language server only). */
  reuse?: CheckReuse;
}
