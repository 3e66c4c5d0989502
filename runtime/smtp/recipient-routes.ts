// The accepted recipients of the transaction in progress, as RCPT decided them (their route
// and the address they are delivered to), turned into the recipient list the spool keeps.
import type { RecipientRoute } from '../policy/types.js';
import type { SpoolRecipient } from '../delivery/spool.js';

export class RecipientRoutes {
  /** By lower-cased address as given in RCPT. */
  private readonly byAddress = new Map<string, { route: RecipientRoute; deliverTo: string }>();

  record(address: string, route: RecipientRoute, deliverTo: string): void {
    this.byAddress.set(address.toLowerCase(), { route, deliverTo });
  }

  /** A new transaction (EHLO, HELO, RSET, the end of DATA) starts without recipients. */
  clear(): void {
    this.byAddress.clear();
  }

  /**
   * The recipients as the spool keeps them: each delivered to its mapped address (the bare
   * postmaster to its mailbox), and one copy per local mailbox when two forms name the same
   * one (Maildir folders are lower-case, in Unicode normal form C). Relayed addresses stay as
   * given: a remote local part may be case-sensitive.
   */
  spoolRecipients(addresses: readonly string[]): SpoolRecipient[] {
    const seen = new Set<string>();
    const recipients: SpoolRecipient[] = [];
    for (const given of addresses) {
      const known = this.byAddress.get(given.toLowerCase());
      const address = known?.deliverTo ?? given;
      const route = known?.route ?? 'local';
      // a local mailbox is named by the NFC, lower-case local part (mailbox-path.ts)
      const key = route === 'local' ? `local:${address.normalize('NFC').toLowerCase()}` : `relay:${address}`;
      if (seen.has(key)) continue;
      seen.add(key);
      recipients.push({ address, route });
    }
    return recipients;
  }
}
