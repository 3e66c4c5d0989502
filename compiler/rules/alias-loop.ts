// Aliases that forward to each other in a circle (`sales` → `team` → `sales`). Nothing
// ever reaches a mailbox along the circle: the server breaks it by delivering to the
// address that closes it, once, and logs `alias-loop`, but that is where the mail lands
// because of the loop, not because anyone meant it. An error: the aliases say something
// that cannot be what was meant. Found as the strongly connected components of the alias
// graph (linear in the aliases, so a large alias table stays cheap in the editor), then
// confirmed by asking runtime/policy to expand one of them; the message shows its chain.
// An alias that names itself among its targets (keep a copy, forward one) is no loop.

import { resolveRecipient } from '../../runtime/policy/index.js';
import { aliasesOf, EVERY_MAILBOX, type LocatedAlias } from './helpers/recipient-lists.js';
import { defineRule } from '../lint/rule.js';

export default defineRule({
  meta: {
    id: 'alias-loop',
    category: 'delivery',
    defaultSeverity: 'error',
    description: 'aliases forward to each other in a circle, so mail for them never reaches the mailbox anyone meant',
    messages: {
      loop: "aliases of server '{{server}}' form a loop: {{chain}}. The server delivers such mail once, to {{closing}}'s own mailbox, and logs the loop: make one of them forward to a mailbox instead",
    },
    fixable: false,
  },
  check(context) {
    for (const server of context.model.servers) {
      const aliases = aliasesOf(context.model, server);
      for (const component of loopingComponents(aliases)) {
        const first = component[0]!;
        const address = `${first.alias.localPart}@${first.list.domain}`;
        const resolution = resolveRecipient(context.compiled(server), address, EVERY_MAILBOX);
        const loop = resolution.kind === 'deliver' ? resolution.loops[0] : undefined;
        if (!loop) continue; // runtime/policy finds no loop: nothing to report
        context.report({
          at: { node: first.node.name ?? first.node, file: first.file },
          messageId: 'loop',
          data: { server: server.config.name, chain: loop.join(' → '), closing: loop.at(-1)! },
          related: component.slice(1).map((other) => ({
            file: other.file.displayName,
            range: (other.node.name ?? other.node).range,
            message: `alias ${other.alias.localPart}@${other.list.domain} is part of the loop`,
          })),
        });
      }
    }
  },
});

/** Sets of aliases that reach each other (Tarjan), each in text order; a set of one only when it is no loop is left out. */
function loopingComponents(aliases: readonly LocatedAlias[]): LocatedAlias[][] {
  const byAddress = new Map(aliases.map((a) => [`${a.alias.localPart}@${a.list.domain}`, a]));
  const successors = (a: LocatedAlias) =>
    a.alias.targets.flatMap((target) => {
      const next = byAddress.get(target);
      return next && next !== a ? [next] : [];
    });
  const index = new Map<LocatedAlias, number>();
  const low = new Map<LocatedAlias, number>();
  const onStack = new Set<LocatedAlias>();
  const stack: LocatedAlias[] = [];
  const components: LocatedAlias[][] = [];
  let counter = 0;
  // iterative, so that a long chain of aliases cannot overflow the call stack
  for (const root of aliases) {
    if (index.has(root)) continue;
    const work: Array<{ node: LocatedAlias; next: LocatedAlias[]; i: number }> = [];
    const open = (node: LocatedAlias) => {
      index.set(node, counter);
      low.set(node, counter);
      counter++;
      stack.push(node);
      onStack.add(node);
      work.push({ node, next: successors(node), i: 0 });
    };
    open(root);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      if (frame.i < frame.next.length) {
        const next = frame.next[frame.i++]!;
        if (!index.has(next)) open(next);
        else if (onStack.has(next)) low.set(frame.node, Math.min(low.get(frame.node)!, index.get(next)!));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) !== index.get(frame.node)) continue;
      const component: LocatedAlias[] = [];
      let member: LocatedAlias;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== frame.node);
      if (component.length > 1) components.push(component.sort((a, b) => aliases.indexOf(a) - aliases.indexOf(b)));
    }
  }
  return components;
}
