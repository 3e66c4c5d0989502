// Maps a local recipient to its Maildir folder, `<root>/<domain>/<local-part>`, and refuses
// every address that could name anything else. The recipient comes from the network, so this
// is an allow-list, not a list of dangerous characters.
//
// Accepted: a domain of DNS labels (letters, digits, hyphens; ≤ 253 octets) and a local part of
// RFC 5321 dot-atom characters other than `/` (letters, digits, ! # $ % & ' * + - = ? ^ _ ` { | } ~
// and single dots inside) or, for SMTPUTF8 mail (RFC 6531), Unicode letters, marks and digits,
// 1–64 octets of UTF-8. Both are lower-cased, and the local part is put in Unicode normal form C:
// `Alice@Example.TEST` and `alice@example.test` share one mailbox, and so do the two spellings
// of `é` (precomposed, or `e` and a combining accent). Refused (permanently, status 5.1.3):
// quoted local parts, `..`, leading or trailing dots, `/`, `\`, NUL and other control
// characters, spaces, other non-ASCII (symbols, format characters such as a right-to-left
// override, private use), empty or overlong parts, domain literals. The final path is also
// checked to lie inside the root, as a second line of defence.
import { resolve, sep } from 'node:path';

export type MailboxPath = { ok: true; path: string; domain: string; localPart: string } | { ok: false; reason: string };

const LOCAL_PART = /^[\p{L}\p{M}\p{N}!#$%&'*+\-=?^_`{|}~]+(\.[\p{L}\p{M}\p{N}!#$%&'*+\-=?^_`{|}~]+)*$/u;
const DOMAIN_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export function mailboxPathFor(root: string, address: string): MailboxPath {
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) return { ok: false, reason: 'address has no local part or no domain' };
  const localPart = address.slice(0, at).normalize('NFC').toLowerCase();
  const domain = address.slice(at + 1).toLowerCase().replace(/\.$/, '');
  if (Buffer.byteLength(localPart) > 64) return { ok: false, reason: 'local part longer than 64 octets' };
  if (!LOCAL_PART.test(localPart)) return { ok: false, reason: 'local part is not a plain dot-atom usable as a mailbox name' };
  if (domain.length > 253 || !domain.split('.').every((label) => DOMAIN_LABEL.test(label))) {
    return { ok: false, reason: 'domain is not a valid host name' };
  }
  const rootPath = resolve(root);
  const path = resolve(rootPath, domain, localPart);
  if (!path.startsWith(rootPath + sep)) return { ok: false, reason: 'mailbox would lie outside the mail root' };
  return { ok: true, path, domain, localPart };
}
