// Restriction lists turned into the policy's lists: who may connect (client restrictions),
// who may relay (relay restrictions, then recipient restrictions, up to the first
// reject_unauth_destination), and whether anonymous senders are refused. Only what the
// policy language can say is read; every other restriction is named in an approximation.
import type { PostfixPosition } from './positions.js';
import type { ServiceView } from './service-view.js';
import { readTable, type TableContext, type TableEntry } from './tables.js';

export interface PolicyEntry {
  /** As the policy writes it: `10.0.0.0/8`, `domain example.com`. */
  text: string;
  origin: PostfixPosition;
}

export interface ReadContext {
  directory: string;
  table(reference: string, position: PostfixPosition): Omit<TableContext, 'position'> & { position: PostfixPosition };
}

const PERMIT = /^(ok|permit|relay)$/i;
const REJECT = /^(reject|[45]\d\d(\s|$)|defer|defer_if_permit)/i;

/** An access-table key as a policy entry: an address, a network, or a domain and the names under it. */
export function entryText(key: string): string | null {
  const bare = key.replace(/^\[([^\]]+)\](\/\d+)?$/, '$1$2');
  if (/^[0-9]{1,3}(\.[0-9]{1,3}){3}(\/\d+)?$/.test(bare) || (/^[0-9a-f:.]+(\/\d+)?$/i.test(bare) && bare.includes(':'))) return bare;
  // the access(5) network form: 10.0.0 is 10.0.0.0/24
  if (/^[0-9]{1,3}(\.[0-9]{1,3}){0,2}$/.test(bare)) {
    const octets = bare.split('.');
    return `${[...octets, ...Array(4 - octets.length).fill('0')].join('.')}/${octets.length * 8}`;
  }
  if (/^\.?[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(bare) && /[a-z]/i.test(bare)) return `domain ${bare.replace(/^\./, '').toLowerCase()}`;
  return null;
}

export interface ListRead {
  permitted: PolicyEntry[];
  refused: PolicyEntry[];
  /** What could not be read as entries, for an approximation comment. */
  unread: string[];
}

function add(list: PolicyEntry[], entry: PolicyEntry): void {
  if (!list.some((e) => e.text === entry.text)) list.push(entry);
}

export async function readAccessTable(reference: string, view: ServiceView, name: string, context: ReadContext): Promise<ListRead> {
  const read: ListRead = { permitted: [], refused: [], unread: [] };
  const table = await readTable(reference, context.table(reference, view.position(name)));
  if (table.kind !== 'entries') {
    read.unread.push(table.kind === 'static' ? `${reference} (the same answer for every client)` : table.why);
    return read;
  }
  for (const entry of table.entries) classify(entry, read, reference);
  return read;
}

function classify(entry: TableEntry, read: ListRead, reference: string): void {
  const text = entryText(entry.key);
  if (text === null) {
    read.unread.push(`${entry.key} in ${reference}`);
    return;
  }
  if (PERMIT.test(entry.result)) add(read.permitted, { text, origin: entry.position });
  else if (REJECT.test(entry.result)) add(read.refused, { text, origin: entry.position });
  else if (!/^dunno$/i.test(entry.result)) read.unread.push(`${entry.key} ${entry.result} in ${reference}`);
}

/** mynetworks as entries (addresses, networks, and the tables it names). */
export async function myNetworks(view: ServiceView, context: ReadContext): Promise<ListRead> {
  const read: ListRead = { permitted: [], refused: [], unread: [] };
  const origin = view.position('mynetworks');
  if (!view.isSet('mynetworks')) {
    // mynetworks_style = host (compatibility level 2 and later): this machine's own addresses
    read.unread.push("mynetworks is not set: Postfix trusts this machine's own addresses (mynetworks_style = host); loopback is written");
    add(read.permitted, { text: '127.0.0.0/8', origin });
    add(read.permitted, { text: '::1', origin });
    return read;
  }
  for (const item of view.list('mynetworks')) {
    if (/^[a-z]+:/.test(item)) {
      const table = await readAccessTable(item, view, 'mynetworks', context);
      // in a mynetworks table every key is trusted, whatever its result
      for (const e of [...table.permitted, ...table.refused]) add(read.permitted, e);
      read.unread.push(...table.unread);
      continue;
    }
    const text = entryText(item);
    if (text === null) read.unread.push(item);
    else add(read.permitted, { text, origin });
  }
  return read;
}
