// A directory store whose host the resolver does not know, or where nothing answers at the
// port: every login then gets 454 and, when a recipient list reads the store, every
// recipient 451, from the first minute in production. Only `lint --online` looks (the facts
// come from compiler/online/directory-probes.ts, a DNS lookup through the policy's resolver
// and a TCP connection, no bind); offline, or with a resolver that does not answer, it says
// nothing.
import { defineRule } from '../lint/rule.js';
import { directoryStores } from './helpers/directory-stores.js';

export default defineRule({
  meta: {
    id: 'ldap-host-unreachable',
    category: 'delivery',
    defaultSeverity: 'warning',
    description: "a directory store's host has no address in DNS, or accepts no connection at its port (checked only by lint --online)",
    messages: {
      noAddress: "user store '{{store}}': the directory host '{{host}}' has no A or AAAA record ({{resolver}}): every login would get 454 and every recipient it decides 451",
      unreachable: "user store '{{store}}': nothing accepts a connection at {{host}} port {{port}} ({{reason}}): every login would get 454 and every recipient it decides 451",
    },
    fixable: false,
    online: true,
  },
  check(context) {
    const probes = context.online?.directories;
    if (!probes) return;
    for (const store of directoryStores(context.model)) {
      const probe = probes.get(store.name);
      const url = store.directory.url;
      if (!probe || !url) continue;
      if (probe.kind === 'no-address') {
        context.report({ at: { node: url, file: store.file }, messageId: 'noAddress', data: { store: store.name, host: probe.host, resolver: context.online!.resolver } });
      } else if (probe.kind === 'unreachable') {
        context.report({ at: { node: url, file: store.file }, messageId: 'unreachable', data: { store: store.name, host: probe.host, port: String(probe.port), reason: probe.reason } });
      }
    }
  },
});
