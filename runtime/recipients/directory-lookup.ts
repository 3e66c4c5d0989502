// What a directory says about one recipient address: a mailbox (a user entry whose `mail`
// or `proxyAddresses` holds it), a group (a group entry with that address: mail to it goes
// to its members' addresses, Active Directory's distribution groups and OpenLDAP's
// groupOfNames alike), or nothing. The address is a value inside the filter, escaped as RFC
// 4515 says, so a recipient like `*@example.com` or `a)(mail=*` matches only itself.
//
// Active Directory keeps an entry's addresses in `proxyAddresses` with a type prefix:
// `SMTP:` for the primary address, `smtp:` for the others; the attribute compares without
// regard to case, so one `smtp:` assertion finds both.
import { NoSuchObjectError, SizeLimitExceededError, type Client, type Entry } from 'ldapts';
import { escapeFilterValue } from '../auth/ldap-filter.js';

export type DirectoryAnswer =
  | { kind: 'mailbox' }
  /** The members' primary addresses, lower-case; nested groups without an address are flattened. */
  | { kind: 'group'; members: string[] }
  | { kind: 'none' };

/** What one lookup learnt: the answer for the address, and the members' own (they are mailboxes). */
export interface LookupResult {
  answer: DirectoryAnswer;
  /** Addresses of member entries that are mailboxes: worth remembering, the walk asks for them next. */
  mailboxes: string[];
}

/** Bounds on a group's expansion: a group of everyone must not hold a connection for minutes. */
const MAX_MEMBERS = 1000;
const MAX_NESTING = 8;
const ATTRIBUTES = ['objectClass', 'mail', 'proxyAddresses', 'member', 'uniqueMember'];
const GROUP_CLASSES = new Set(['group', 'groupofnames', 'groupofuniquenames']);

export function recipientFilter(address: string): string {
  const value = escapeFilterValue(address);
  return `(|(mail=${value})(proxyAddresses=smtp:${value}))`;
}

/**
 * Looks `address` (lower-case) up below `base`. Throws what the directory throws (the
 * caller's store turns it into DirectoryUnavailableError): an outage is never "no such
 * recipient".
 */
export async function lookupRecipient(client: () => Client, base: string, address: string): Promise<LookupResult> {
  let entries: Entry[];
  try {
    ({ searchEntries: entries } = await client().search(base, { scope: 'sub', filter: recipientFilter(address), attributes: ATTRIBUTES, sizeLimit: 2 }));
  } catch (error) {
    // two entries claim the address: a directory fault, but mail to it has a mailbox (its own Maildir)
    if (error instanceof SizeLimitExceededError) return { answer: { kind: 'mailbox' }, mailboxes: [] };
    if (error instanceof NoSuchObjectError) return { answer: { kind: 'none' }, mailboxes: [] };
    throw error;
  }
  if (entries.length === 0) return { answer: { kind: 'none' }, mailboxes: [] };
  if (entries.length > 1 || !isGroup(entries[0]!)) return { answer: { kind: 'mailbox' }, mailboxes: [] };
  const members = new Set<string>();
  const mailboxes: string[] = [];
  await expandGroup(client, entries[0]!, members, mailboxes, new Set([entries[0]!.dn.toLowerCase()]), 0);
  members.delete(address);
  return { answer: { kind: 'group', members: [...members] }, mailboxes };
}

async function expandGroup(client: () => Client, group: Entry, members: Set<string>, mailboxes: string[], seen: Set<string>, depth: number): Promise<void> {
  const dns = [...values(group, 'member'), ...values(group, 'uniqueMember')];
  for (const dn of dns) {
    if (members.size >= MAX_MEMBERS) return;
    if (seen.has(dn.toLowerCase())) continue;
    seen.add(dn.toLowerCase());
    const entry = await readEntry(client, dn);
    if (!entry) continue; // a member that was deleted: nobody to deliver to
    const address = primaryAddress(entry);
    if (address !== null) {
      members.add(address);
      // a member group with an address of its own is expanded when the walk reaches that address
      if (!isGroup(entry)) mailboxes.push(address);
    } else if (isGroup(entry) && depth + 1 < MAX_NESTING) {
      // a group without an address is only a way of listing people: its members are the targets
      await expandGroup(client, entry, members, mailboxes, seen, depth + 1);
    }
  }
}

async function readEntry(client: () => Client, dn: string): Promise<Entry | null> {
  try {
    const { searchEntries } = await client().search(dn, { scope: 'base', filter: '(objectClass=*)', attributes: ATTRIBUTES });
    return searchEntries[0] ?? null;
  } catch (error) {
    if (error instanceof NoSuchObjectError) return null;
    throw error;
  }
}

function isGroup(entry: Entry): boolean {
  if (values(entry, 'member').length > 0 || values(entry, 'uniqueMember').length > 0) return true;
  return values(entry, 'objectClass').some((name) => GROUP_CLASSES.has(name.toLowerCase()));
}

/** `mail`, else the primary (`SMTP:`) proxy address, else any `smtp:` one; lower-case. */
function primaryAddress(entry: Entry): string | null {
  const mail = values(entry, 'mail')[0];
  if (mail) return mail.toLowerCase();
  const proxies = values(entry, 'proxyAddresses');
  const primary = proxies.find((value) => value.startsWith('SMTP:')) ?? proxies.find((value) => value.toLowerCase().startsWith('smtp:'));
  return primary ? primary.slice(5).toLowerCase() : null;
}

function values(entry: Entry, attribute: string): string[] {
  // ldapts names attributes as the server returned them; compare without case
  const key = Object.keys(entry).find((name) => name.toLowerCase() === attribute.toLowerCase());
  if (key === undefined) return [];
  const value = entry[key];
  const list = Array.isArray(value) ? value : [value];
  return list.map((item) => (Buffer.isBuffer(item) ? item.toString('utf8') : String(item)));
}
