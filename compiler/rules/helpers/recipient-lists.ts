// What the recipient rules share: each server's recipient lists with the syntax they came
// from, and the questions they put to runtime/policy (the one definition of what a
// recipient list means) to confirm a finding on a concrete recipient.

import type { Alias, RecipientsBlock } from '../../../grammar/ast.js';
import type { AliasConfig, RecipientsConfig } from '../../../runtime/config/types.js';
import { decideRcpt, type CompiledServer, type MailboxDirectory, type RcptDecision } from '../../../runtime/policy/index.js';
import type { PolicyModel, ServerModel } from '../../model.js';
import type { SourceFile } from '../../source-set.js';

/** A client that may not relay and has not logged in: what recipient validation is for. */
export const OUTSIDE_CLIENT = '192.0.2.1';

/** No mailbox is listed: a recipient that is accepted anyway is accepted by the list itself. */
export const NO_MAILBOXES: MailboxDirectory = { has: () => false };

/** Every mailbox is listed: only aliases decide. */
export const EVERY_MAILBOX: MailboxDirectory = { has: () => true };

export interface LocatedAlias {
  list: RecipientsConfig;
  alias: AliasConfig;
  node: Alias;
  file: SourceFile;
}

export interface LocatedList {
  list: RecipientsConfig;
  node: RecipientsBlock;
  file: SourceFile;
}

export function recipientListsOf(model: PolicyModel, server: ServerModel): LocatedList[] {
  return (server.config.recipients ?? []).flatMap((list) => {
    const located = model.nodeAt(list.source);
    return located?.node.kind === 'Recipients' ? [{ list, node: located.node, file: located.file }] : [];
  });
}

export function aliasesOf(model: PolicyModel, server: ServerModel): LocatedAlias[] {
  return (server.config.recipients ?? []).flatMap((list) =>
    list.aliases.flatMap((alias) => {
      const located = model.nodeAt(alias.source);
      return located?.node.kind === 'Alias' ? [{ list, alias, node: located.node, file: located.file }] : [];
    }),
  );
}

/** RCPT as runtime/policy decides it for a client outside every relay grant. */
export function decideForOutsider(server: CompiledServer, rcpt: string, mailboxes: MailboxDirectory): RcptDecision {
  return decideRcpt(server, { clientAddress: OUTSIDE_CLIENT, reverseDns: { status: 'none' }, user: null, mailFrom: '', rcptTo: rcpt, mailboxes });
}
