// The runtime policy of one server at a time, for the lint rules that ask runtime/policy for
// a decision. Compiling the whole policy up front and holding it while every rule ran kept
// every server's address matchers alive at once: at 55 MB of policy, about 400 MiB on top
// of the syntax tree and the config, a third of lint's peak. Most rules ask only for the
// servers where they found something to confirm, and they go through the servers in order,
// so the last server compiled is the only one worth keeping.

import { compileServer, type CompiledServer, type MakeMatcher } from '../../runtime/policy/index.js';
import type { ServerModel } from '../model.js';

export class ServerCompiler {
  private last: { server: ServerModel; compiled: CompiledServer } | undefined;

  /** `makeMatcher`: the language server's (check-reuse.ts), which hands back unchanged lists' matchers. */
  constructor(private readonly makeMatcher?: MakeMatcher) {}

  readonly compiled = (server: ServerModel): CompiledServer => {
    if (this.last?.server !== server) this.last = { server, compiled: compileServer(server.config, this.makeMatcher) };
    return this.last.compiled;
  };
}
