// A server's local domains in OpenSMTPD's terms. Every listed recipient (the mailboxes of
// the recipient lists, copied when compiled, the aliases and postmaster) is in a list table
// that a `match … for rcpt-to` rule accepts; anyone else in such a domain matches no rule
// and is refused at RCPT (550), as runtime/policy/recipients.ts decides. Domains without a
// list, and catch-alls, are matched by domain. The `virtual` table then says where each
// goes: a mailbox to the delivery user (one system user owns every Maildir), an alias to
// its targets, a catch-all domain (`@DOMAIN`) to the delivery user.
//
// The bare `postmaster` is qualified by OpenSMTPD with the listener's hostname: that
// address is listed too, and forwarded to postmaster of the first local domain, where
// runtime/policy/postmaster.ts delivers it.
import type { ServerConfig } from '../../runtime/config/types.js';
import type { MailboxSnapshot } from '../mailboxes.js';

export interface LocalRecipients {
  /** Addresses accepted one by one (list table). */
  listed: string[];
  /** Domains that accept every local part (list table). */
  anyLocalPart: string[];
  /** Where each goes (the `virtual` mapping). */
  virtual: Array<[string, string]>;
}

function normalDomain(domain: string): string {
  return domain.toLowerCase().replace(/\.$/, '');
}

export function localRecipients(server: ServerConfig, snapshot: MailboxSnapshot, deliveryUser: string): LocalRecipients {
  const listed: string[] = [];
  const virtual: Array<[string, string]> = [];
  const anyLocalPart: string[] = [];
  const lists = new Map((server.recipients ?? []).map((list) => [list.domain, list]));
  const add = (address: string, target: string) => {
    if (listed.includes(address)) return;
    listed.push(address);
    virtual.push([address, target]);
  };
  for (const local of server.localDomains) {
    const domain = normalDomain(local.domain);
    const list = lists.get(domain);
    if (list === undefined || list.catchAll) {
      anyLocalPart.push(domain);
      virtual.push([`@${domain}`, deliveryUser]);
    }
    if (list === undefined) continue;
    // aliases first: an alias that is also a mailbox forwards, as the policy decides
    for (const alias of list.aliases) add(`${alias.localPart}@${domain}`, alias.targets.join(', '));
    for (const localPart of snapshot.get(domain) ?? []) add(`${localPart}@${domain}`, deliveryUser);
    add(`postmaster@${domain}`, deliveryUser);
  }
  const first = server.localDomains[0];
  add(`postmaster@${server.hostname}`, first ? `postmaster@${normalDomain(first.domain)}` : deliveryUser);
  return { listed, anyLocalPart, virtual };
}
