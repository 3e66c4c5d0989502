// The recipients of the local domains in Postfix's terms (virtual(8) delivery): a domain with
// a recipient list accepts its mailboxes, its aliases and postmaster, and refuses anyone else
// at RCPT (Postfix's "User unknown in virtual mailbox table", 550 5.1.1), as
// runtime/policy/recipients.ts decides; a domain without a list, or a catch-all, accepts every
// local part into its own Maildir.
//
// - `recipients` (texthash): the mailboxes of the lists, copied from the files when compiled,
//   and postmaster (RFC 5321 4.5.1), each `LOCAL@DOMAIN DOMAIN/LOCAL/` (a Maildir);
// - `aliases` (texthash, virtual_alias_maps): `LOCAL@DOMAIN TARGET, …`;
// - `mailboxes.regexp`: every local part of the domains that accept any.
import type { RuntimeConfig, ServerConfig } from '../../runtime/config/types.js';
import type { MailboxSnapshot } from '../mailboxes.js';

export interface RecipientTables {
  /** The `recipients` texthash table, or null when no domain has a recipient list. */
  mailboxes: string | null;
  aliases: string | null;
  /** The regexp table of the domains that accept any local part, or null when there are none. */
  anyLocalPart: string | null;
}

function normalDomain(domain: string): string {
  return domain.toLowerCase().replace(/\.$/, '');
}

/** A regexp that matches exactly `text` (Postfix regexp tables use POSIX extended syntax). */
function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

export function recipientTables(config: RuntimeConfig, snapshot: MailboxSnapshot): RecipientTables {
  const mailboxLines: string[] = [];
  const aliasLines: string[] = [];
  const listed = new Set<string>();
  const anyLocalPart = new Set<string>();
  for (const server of config.servers) {
    for (const list of server.recipients ?? []) {
      if (listed.has(list.domain)) continue;
      listed.add(list.domain);
      if (list.catchAll) anyLocalPart.add(list.domain);
      mailboxLines.push(`# ${list.domain}: recipients (${list.source}), as its mailbox lists held them when compiled`);
      const localParts = new Set([...(snapshot.get(list.domain) ?? []), 'postmaster']);
      for (const localPart of [...localParts].sort()) mailboxLines.push(`${localPart}@${list.domain} ${list.domain}/${localPart}/`);
      for (const alias of list.aliases) aliasLines.push(`# ${alias.source}`, `${alias.localPart}@${list.domain} ${alias.targets.join(', ')}`);
    }
  }
  for (const server of config.servers) {
    for (const local of server.localDomains) {
      const domain = normalDomain(local.domain);
      if (!listed.has(domain)) anyLocalPart.add(domain);
    }
  }
  const header = '# written by smtppolicy compile --target postfix; do not edit';
  return {
    mailboxes: mailboxLines.length === 0 ? null : `${header}\n${mailboxLines.join('\n')}\n`,
    aliases: aliasLines.length === 0 ? null : `${header}\n${aliasLines.join('\n')}\n`,
    anyLocalPart:
      anyLocalPart.size === 0
        ? null
        : `${header}\n# every local part of these domains: <domain>/<local part>/ under virtual_mailbox_base (Maildir)\n/^([^@]+)@(${[...anyLocalPart].sort().map(literal).join('|')})$/ \${2}/\${1}/\n`,
  };
}

/** What a server answers for a local domain's local parts, in words and as a comparable key. */
function recipientsOf(server: ServerConfig, domain: string): { key: string; words: string } {
  const list = (server.recipients ?? []).find((l) => l.domain === domain);
  if (!list) return { key: 'any', words: 'any local part (no recipient list)' };
  const { source: _source, ...rest } = list;
  const key = JSON.stringify({ ...rest, mailboxes: rest.mailboxes.map(({ source: _s, ...m }) => m), aliases: rest.aliases.map(({ source: _s, ...a }) => a) });
  return { key, words: `the recipient list at ${list.source}` };
}

/**
 * Servers whose recipients for a local domain are not what Postfix's one set of tables gives
 * it: recipientTables writes the first list of a domain, for every server, and any local part
 * only where no server lists the domain. One note per such server and domain.
 */
export function sharedRecipientNotes(config: RuntimeConfig): Map<string, string[]> {
  const notes = new Map<string, string[]>();
  const domains = new Set(config.servers.flatMap((server) => server.localDomains.map((d) => normalDomain(d.domain))));
  for (const domain of domains) {
    const servers = config.servers.filter((server) => server.localDomains.some((d) => normalDomain(d.domain) === domain));
    const owner = config.servers.find((server) => (server.recipients ?? []).some((l) => l.domain === domain));
    const written = owner ? recipientsOf(owner, domain) : recipientsOf(servers[0]!, domain);
    for (const server of servers) {
      const own = recipientsOf(server, domain);
      if (own.key === written.key) continue;
      const note = `Postfix has one recipient table: for ${domain} this server accepts what server ${owner!.name}'s list does (${written.words}), not ${own.words}.`;
      notes.set(server.name, [...(notes.get(server.name) ?? []), note]);
    }
  }
  return notes;
}
