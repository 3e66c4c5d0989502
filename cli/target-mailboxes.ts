// The mailbox lists of a policy's recipient lists, read once for `compile --target`: another
// MTA cannot read smtppolicy's mailbox files or password files, so the translation writes a
// copy of them (targets/mailboxes.ts). A file that cannot be read stops the translation,
// naming it: a copy without it would refuse its mailboxes.
import type { RuntimeConfig } from '../runtime/config/index.js';
import { MailboxLists } from '../runtime/recipients/index.js';
import type { MailboxSnapshot } from '../targets/index.js';

/** `baseDir`: where the config's relative paths start (the directory of its output). */
export async function readMailboxSnapshot(config: RuntimeConfig, baseDir: string): Promise<MailboxSnapshot> {
  const snapshot = new Map<string, Set<string>>();
  for (const server of config.servers) {
    const lists = server.recipients ?? [];
    if (lists.length === 0) continue;
    const mailboxes = new MailboxLists(lists, config.userStores, baseDir);
    await mailboxes.load();
    for (const list of lists) {
      const known = snapshot.get(list.domain) ?? new Set<string>();
      for (const localPart of mailboxes.localParts(list.domain)) known.add(localPart);
      snapshot.set(list.domain, known);
    }
  }
  return new Map([...snapshot].map(([domain, localParts]) => [domain, [...localParts].sort()]));
}
