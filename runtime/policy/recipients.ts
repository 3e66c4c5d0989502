// Who receives mail in a local domain: its recipient list (Postfix's local_recipient_maps
// and virtual_alias_maps in one place). A recipient is an alias (expanded to its targets),
// a mailbox (named by a mailbox file or a credential store), accepted by `catch-all`, the
// postmaster (RFC 5321 4.5.1: always accepted), or unknown: refused at RCPT with 550 5.1.1,
// never accepted only to bounce later (the bounce would go to a sender who may be forged).
// A local domain without a recipient list accepts any local part, as it always did.
//
// Expansion walks the aliases depth-first, targets in the order written. Each alias is
// expanded once per recipient, so a target reached along two paths is delivered once. A
// target that is an alias already being expanded closes a loop: it is delivered to its own
// mailbox (nothing is lost, nothing is delivered twice) and the loop is reported. An alias
// that names itself among its targets (`alice` → `alice`, `bob`: keep a copy) is no loop.
// Every alias is expanded at most once, so the work is bounded by the policy's aliases.
//
// A directory group (a mailbox source's group: its address → its members' addresses) is
// expanded as an alias is, after the policy's own aliases: an alias written in the policy
// wins over a group with the same address.
import type { AliasConfig, RecipientsConfig } from '../config/types.js';
import type { CompiledServer } from './compile.js';
import type { DeliveryTarget, MailboxDirectory, TraceStep } from './types.js';

export interface CompiledRecipients {
  config: RecipientsConfig;
  /** By local part (lower-case, NFC). */
  aliases: ReadonlyMap<string, AliasConfig>;
}

export function compileRecipients(lists: readonly RecipientsConfig[]): Map<string, CompiledRecipients> {
  const compiled = new Map<string, CompiledRecipients>();
  for (const config of lists) {
    if (compiled.has(config.domain)) continue;
    const aliases = new Map<string, AliasConfig>();
    for (const alias of config.aliases) if (!aliases.has(alias.localPart)) aliases.set(alias.localPart, alias);
    compiled.set(config.domain, { config, aliases });
  }
  return compiled;
}

/** Local parts compare as Maildir folders are named: lower-case, in Unicode normal form C. */
export function normalizeLocalPart(localPart: string): string {
  return localPart.normalize('NFC').toLowerCase();
}

/** An address split at its last `@`: the local part as written, the domain lower-case without a trailing dot. */
export function splitRecipient(address: string): { localPart: string; domain: string } {
  const at = address.lastIndexOf('@');
  if (at < 0) return { localPart: address, domain: '' };
  return { localPart: address.slice(0, at), domain: address.slice(at + 1).toLowerCase().replace(/\.+$/, '') };
}

export type RecipientResolution =
  | {
      kind: 'deliver';
      /** Where the recipient goes once aliases are expanded; one entry per mailbox or remote address. */
      targets: DeliveryTarget[];
      /** True when an alias was expanded (the targets are not simply the recipient). */
      expanded: boolean;
      loops: string[][];
      /** Local alias targets that name no mailbox: left out of the delivery (lint cannot see mailbox files). */
      dropped: string[];
      trace: TraceStep[];
    }
  | { kind: 'unknown'; trace: TraceStep[] }
  /** `directory`: the store that did not answer, when that is why. */
  | { kind: 'unread'; trace: TraceStep[]; directory?: string };

interface Walk {
  server: CompiledServer;
  mailboxes: MailboxDirectory | undefined;
  targets: Map<string, DeliveryTarget>;
  expanded: Set<string>;
  loops: string[][];
  dropped: string[];
  unread: boolean;
  /** A directory that did not answer, when one made the walk unread. */
  directory?: string;
  trace: TraceStep[];
}

/** Where mail for `address`, a recipient in one of the server's local domains, is delivered. */
export function resolveRecipient(server: CompiledServer, address: string, mailboxes: MailboxDirectory | undefined): RecipientResolution {
  // the common case, decided for every recipient of a server without lists: nothing to walk
  const { domain } = splitRecipient(address);
  const local = server.localDomains.get(domain);
  if (local !== undefined && !server.recipients.has(domain)) {
    const step: TraceStep = { step: `recipient list of ${domain}`, result: 'none: any local part is accepted', source: local.source };
    return { kind: 'deliver', targets: [{ address, route: 'local' }], expanded: false, loops: [], dropped: [], trace: [step] };
  }
  const walk: Walk = { server, mailboxes, targets: new Map(), expanded: new Set(), loops: [], dropped: [], unread: false, trace: [] };
  visit(walk, address, []);
  if (walk.unread) return { kind: 'unread', trace: walk.trace, ...(walk.directory ? { directory: walk.directory } : {}) };
  if (walk.targets.size === 0) return { kind: 'unknown', trace: walk.trace };
  return {
    kind: 'deliver',
    targets: [...walk.targets.values()],
    expanded: walk.expanded.size > 0,
    loops: walk.loops,
    dropped: walk.dropped,
    trace: walk.trace,
  };
}

/** `path`: the aliases being expanded, outermost first, as normalised addresses. */
function visit(walk: Walk, address: string, path: readonly string[]): void {
  const { localPart: written, domain } = splitRecipient(address);
  const local = walk.server.localDomains.get(domain);
  if (local === undefined) {
    // an alias's remote target: the server's own forwarding, through the relay queue
    walk.targets.set(`relay:${address}`, { address, route: 'relay' });
    return;
  }
  const localPart = normalizeLocalPart(written);
  const key = `${localPart}@${domain}`;
  const deliverHere = () => walk.targets.set(`local:${key}`, { address: path.length === 0 ? address : key, route: 'local' });
  const list = walk.server.recipients.get(domain);
  if (list === undefined) {
    if (path.length === 0) {
      walk.trace.push({ step: `recipient list of ${domain}`, result: 'none: any local part is accepted', source: local.source });
    }
    deliverHere();
    return;
  }
  const alias = list.aliases.get(localPart);
  if (alias !== undefined) {
    if (!expand(walk, key, alias.targets, 'an alias', alias.source, path, deliverHere)) return;
    if (path.length === 0 && localPart === 'postmaster' && walk.targets.size === 0 && !walk.unread) {
      walk.trace.push({ step: `${key}`, result: 'its alias reaches no mailbox, but the postmaster is always accepted (RFC 5321 4.5.1): delivered to its own mailbox', source: alias.source });
      deliverHere();
    }
    return;
  }
  const source = list.config.source;
  if (localPart === 'postmaster') {
    walk.trace.push({ step: `${key} in the recipient list of ${domain}`, result: 'the postmaster: always accepted (RFC 5321 4.5.1)', source });
    deliverHere();
    return;
  }
  if (list.config.mailboxes.length > 0) {
    const listed = walk.mailboxes === undefined ? undefined : walk.mailboxes.has(domain, localPart);
    if (listed === true) {
      walk.trace.push({ step: `${key} in the mailboxes of ${domain}`, result: `a mailbox (${describeSources(list.config)})`, source });
      deliverHere();
      return;
    }
    const members = listed === false ? walk.mailboxes?.groupMembers?.(domain, localPart) : undefined;
    if (members !== undefined) {
      expand(walk, key, members, `a directory group (${describeSources(list.config)})`, source, path, deliverHere);
      return;
    }
    if (listed === undefined && !list.config.catchAll) {
      walk.unread = true;
      const down = walk.mailboxes?.unavailable?.(domain);
      if (down !== undefined) walk.directory ??= down;
      const why = down !== undefined ? `the directory of user store '${down}' did not answer` : 'the mailbox lists were not read';
      walk.trace.push({ step: `${key} in the mailboxes of ${domain}`, result: `cannot tell: ${why}`, source });
      return;
    }
  }
  if (list.config.catchAll) {
    walk.trace.push({ step: `${key} in the recipient list of ${domain}`, result: 'no mailbox or alias: accepted by catch-all', source });
    deliverHere();
    return;
  }
  if (path.length > 0) walk.dropped.push(key);
  walk.trace.push({
    step: `${key} in the recipient list of ${domain}`,
    result: path.length > 0 ? 'no such mailbox or alias: this alias target is left out' : 'no such mailbox or alias',
    source,
  });
}

/**
 * Expands an alias or a directory group: false when it was not expanded now (a loop, then
 * delivered to its own mailbox, or reached before along another path).
 */
function expand(walk: Walk, key: string, targets: readonly string[], what: string, source: string, path: readonly string[], deliverHere: () => void): boolean {
  if (path.includes(key)) {
    if (path.at(-1) !== key) {
      const loop = [...path.slice(path.indexOf(key)), key];
      walk.loops.push(loop);
      walk.trace.push({ step: `alias ${key}`, result: `loop ${loop.join(' → ')}: delivered once, to the mailbox ${key}`, source });
    }
    deliverHere();
    return false;
  }
  // reached again along another path: its targets are in already
  if (walk.expanded.has(key)) return false;
  walk.expanded.add(key);
  walk.trace.push({ step: `${key} is ${what}`, result: `forwards to ${targets.length > 0 ? targets.join(', ') : 'nobody'}`, source });
  for (const target of targets) visit(walk, target, [...path, key]);
  return true;
}

function describeSources(list: RecipientsConfig): string {
  return list.mailboxes.map((m) => (m.kind === 'file' ? `mailboxes file ${m.file}` : `mailboxes users ${m.userStore}`)).join(', ');
}
