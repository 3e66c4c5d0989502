// Recipient validation: in each local domain with a recipient list, a local part nobody
// has is refused at RCPT (550 5.1.1), before any message is sent, so there is never a
// bounce to a possibly forged sender; a domain without a list (or with `catch-all`)
// accepts it, and the probe holds the server to whichever the policy says. verify cannot
// read the server's mailbox lists, so it makes up a local part no list plausibly holds and
// tells the policy that no list holds it; aliases are in the policy itself. Nothing is
// ever sent: RSET before DATA, then QUIT.
import type { MailboxDirectory } from '../../runtime/policy/index.js';
import { endpointId, type ProbeEndpoint } from '../endpoints.js';
import type { Probe } from '../probe.js';
import type { VerifyCredentials } from '../types.js';
import { attempt, senderFor } from './relay.js';

/** A local part no mailbox list plausibly holds (and that says who asked, in the server's log). */
export const UNKNOWN_LOCAL_PART = 'smtppolicy-verify-no-such-mailbox';

/** At most this many local domains are probed per server. */
const MAX_DOMAINS = 8;

const NOT_LISTED: MailboxDirectory = { has: () => false };

export interface RecipientProbeOptions {
  credentials: VerifyCredentials | undefined;
  source: string | undefined;
}

export function recipientProbes(endpoint: ProbeEndpoint, options: RecipientProbeOptions): Probe[] {
  const { config } = endpoint.server;
  const base = `${endpointId(config, endpoint.listen)}/recipients`;
  return config.localDomains.slice(0, MAX_DOMAINS).map((local) => {
    const list = endpoint.server.recipients.get(local.domain);
    const refused = list !== undefined && !list.config.catchAll;
    return {
      id: `${base}/unknown/${local.domain}`,
      title: refused
        ? `an unknown local part of ${local.domain} is refused at RCPT (550 5.1.1), as its recipient list says`
        : `an unknown local part of ${local.domain} is accepted, as the policy says (${list ? 'catch-all' : 'no recipient list'})`,
      source: list?.config.source ?? local.source,
      run(sessions) {
        // the same login rule as the local-domain probe: only when MAIL needs one
        const credentials = config.auth.anonymous ? undefined : options.credentials;
        return attempt(sessions, {
          endpoint,
          source: options.source,
          credentials,
          mailFrom: senderFor(endpoint, credentials),
          rcptTo: `${UNKNOWN_LOCAL_PART}@${local.domain}`,
          mailboxes: NOT_LISTED,
        });
      },
    };
  });
}
