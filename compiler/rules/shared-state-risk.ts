// The shared state of several hosts (`state { redis "…" }`) holds the policy's limits for
// all of them, so two of its settings weaken what the policy says, and lint shows both:
//
//  - `on-unreachable local`: while Redis cannot be asked each host applies the limits
//    alone, so with N hosts a client gets N times each limit (N × connections-per-address,
//    N × auth-failures guesses). It keeps mail flowing through an outage; the default,
//    `fail-closed`, refuses for now (421 / 454) and keeps the limits.
//  - `redis://` to an address that is not loopback: the Redis password and the keys
//    (user names under attack, client addresses) cross the network in clear, and anyone on
//    the path can rewrite the counts (release a guesser's lockout). `rediss://` encrypts.
import type { Setting, StateBlock } from '../../grammar/ast.js';
import { parseRedisUrl } from '../../runtime/state/redis/redis-url.js';
import { defineRule } from '../lint/rule.js';

export default defineRule({
  meta: {
    id: 'shared-state-risk',
    category: 'connections',
    defaultSeverity: 'warning',
    description: 'the shared state weakens the limits: each host applies them alone while Redis is unreachable (on-unreachable local), or Redis is reached in clear over the network',
    messages: {
      local:
        'on-unreachable local: while Redis cannot be asked each host applies the limits alone, so with N hosts a client gets N times each limit (connections, failed logins, rates); fail-closed (the default) refuses for now with 421 / 454 instead',
      cleartext:
        'redis:// to {{host}} sends the Redis password and the limits\' keys (user names, client addresses) in clear, and lets the path rewrite the counts: use rediss:// (a loopback address literal is exempt)',
    },
    fixable: false,
  },
  check(context) {
    for (const file of context.model.files) {
      for (const block of file.ast.items.filter((item): item is StateBlock => item.kind === 'State')) {
        const setting = (name: string) => block.settings.find((s): s is Setting => s.kind === 'Setting' && s.name === name);
        const mode = setting('on-unreachable');
        const modeValue = mode?.value;
        if (modeValue && !Array.isArray(modeValue) && modeValue.kind === 'UnreachableMode' && modeValue.value === 'local') {
          context.report({ at: { node: modeValue, file }, messageId: 'local' });
        }
        const url = setting('redis')?.value;
        if (!url || Array.isArray(url) || url.kind !== 'String') continue;
        const parsed = parseRedisUrl(url.value);
        if ('error' in parsed) continue; // a semantic error already
        if (!parsed.tls && !parsed.loopback) context.report({ at: { node: url, file }, messageId: 'cleartext', data: { host: parsed.host } });
      }
    }
  },
});
