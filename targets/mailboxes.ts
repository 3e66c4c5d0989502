// The mailboxes of the local domains' recipient lists, as a translation needs them. The
// lists live in files (mailbox list files, credential stores) that smtppolicy rereads while
// it runs; another MTA cannot read those formats, so a translation writes a copy of what the
// files held when it ran. cli/ reads them (targets/ does no I/O: test/architecture.test.ts).
export type MailboxSnapshot = ReadonlyMap<string, readonly string[]>;

/** By local domain (lower-case): its mailboxes' local parts (lower-case, NFC), sorted. */
export const NO_MAILBOXES: MailboxSnapshot = new Map();
