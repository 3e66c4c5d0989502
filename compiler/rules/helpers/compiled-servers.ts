// Each server of the model with what runtime/policy compiled for it, for the rules that ask
// runtime/policy for a decision (a witness that relays, the mechanisms EHLO offers) instead
// of re-deriving it. The compiled policy lists the servers in the model's order.

import type { CompiledServer } from '../../../runtime/policy/index.js';
import type { ServerModel } from '../../model.js';
import type { RuleContext } from '../../lint/rule.js';

export interface ServerWithPolicy {
  server: ServerModel;
  compiled: CompiledServer;
}

/** The servers with their compiled policy; a server runtime/policy did not compile is skipped. */
export function compiledServers(context: RuleContext): ServerWithPolicy[] {
  const found: ServerWithPolicy[] = [];
  context.model.servers.forEach((server, index) => {
    const compiled = context.policy.servers[index];
    if (compiled) found.push({ server, compiled });
  });
  return found;
}
