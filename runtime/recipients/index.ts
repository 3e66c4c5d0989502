// runtime/recipients: the mailboxes of the local domains' recipient lists (mailbox list
// files and credential stores), read for the server and for `explain`.
export { MailboxLists, type MailboxListEvents } from './mailbox-lists.js';
export { MailboxFileError, parseMailboxFile, type MailboxEntry } from './mailbox-file.js';
export { DirectoryMailboxes, type DirectoryMailboxOptions, type RecipientDirectory } from './directory-mailboxes.js';
export { lookupRecipient, recipientFilter, type DirectoryAnswer } from './directory-lookup.js';
export { RecipientLookup } from './recipient-lookup.js';
export { openRecipientDirectories, type OpenedDirectories } from './open-directories.js';
