// The accepted recipients of the transaction in progress, as RCPT decided them (where each
// is delivered: itself, the postmaster's mailbox, or the addresses an alias fans out to,
// each with its route), turned into the recipient list the spool keeps. This is where an
// alias fans out: the spool holds its targets, so local ones go to their Maildirs and
// remote ones to the relay queue, each retried and bounced on its own.
import type { DeliveryTarget } from '../policy/types.js';
import type { SpoolRecipient } from '../delivery/spool.js';

export class RecipientRoutes {
  /** By lower-cased address as given in RCPT. */
  private readonly byAddress = new Map<string, readonly DeliveryTarget[]>();

  record(address: string, targets: readonly DeliveryTarget[]): void {
    this.byAddress.set(address.toLowerCase(), targets);
  }

  /** A new transaction (EHLO, HELO, RSET, the end of DATA) starts without recipients. */
  clear(): void {
    this.byAddress.clear();
  }

  /**
   * The recipients as the spool keeps them: each delivered to its mapped addresses (the bare
   * postmaster to its mailbox, an alias to its targets), and one copy per local mailbox when
   * two forms or two aliases name the same one (Maildir folders are lower-case, in Unicode normal form C). Relayed addresses stay as
   * given: a remote local part may be case-sensitive.
   */
  spoolRecipients(addresses: readonly string[]): SpoolRecipient[] {
    const seen = new Set<string>();
    const recipients: SpoolRecipient[] = [];
    for (const given of addresses) {
      const targets = this.byAddress.get(given.toLowerCase()) ?? [{ address: given, route: 'local' }];
      for (const { address, route } of targets) {
        // a local mailbox is named by the NFC, lower-case local part (mailbox-path.ts)
        const key = route === 'local' ? `local:${address.normalize('NFC').toLowerCase()}` : `relay:${address}`;
        if (seen.has(key)) continue;
        seen.add(key);
        recipients.push({ address, route });
      }
    }
    return recipients;
  }
}
