// Mail addresses as a policy writes them in a recipient list: an alias's local part, and
// its targets (a local part of the block's domain, or a full address). The local part is
// what a Maildir folder can be named (the server's delivery takes the same characters):
// RFC 5321 dot-atom characters other than `/`, or letters, marks and digits of any script
// for SMTPUTF8 mailboxes; at most 64 octets. Quoted local parts are not supported.
import { quote } from './quote.js';
import { parseDomain, type ValueResult } from './values.js';

const LOCAL_PART = /^[\p{L}\p{M}\p{N}!#$%&'*+\-=?^_`{|}~]+(\.[\p{L}\p{M}\p{N}!#$%&'*+\-=?^_`{|}~]+)*$/u;

/** A local part, lower-case in Unicode normal form C (as mailboxes compare). */
export function parseLocalPart(text: string, expected = 'a local part like "sales"'): ValueResult<string> {
  const found = `expected ${expected}, found ${quote(text)}`;
  if (text === '') return { ok: false, message: `${found}: it is empty` };
  if (text.includes('@')) return { ok: false, message: `${found}: write the local part alone, the domain is the recipients block's` };
  if (Buffer.byteLength(text) > 64) return { ok: false, message: `${found}: a local part has at most 64 octets` };
  if (!LOCAL_PART.test(text.normalize('NFC'))) {
    return { ok: false, message: `${found}: a local part holds letters, digits and ! # $ % & ' * + - = ? ^ _ \` { | } ~, with single dots between them` };
  }
  return { ok: true, value: text.normalize('NFC').toLowerCase() };
}

/**
 * An alias target: a full address (`bob@partner.example`, the domain lower-cased) or a
 * local part of `domain` (`alice` is `alice@<domain>`). Local parts of local targets are
 * lower-cased; a remote local part is kept as written (another server may tell cases apart).
 */
export function parseAliasTarget(text: string, domain: string | null): ValueResult<{ address: string; qualified: boolean }> {
  const expected = 'a local part like "alice" or an address like "bob@partner.example"';
  const at = text.lastIndexOf('@');
  if (at < 0) {
    const local = parseLocalPart(text, expected);
    if (!local.ok) return local;
    return { ok: true, value: { address: `${local.value}@${domain ?? ''}`, qualified: false } };
  }
  const localText = text.slice(0, at);
  const local = parseLocalPart(localText, expected);
  if (!local.ok) return { ok: false, message: `${local.message.replace(quote(localText), quote(text))}` };
  if (at === text.length - 1) return { ok: false, message: `expected ${expected}, found ${quote(text)}: nothing after '@'` };
  const host = parseDomain(text.slice(at + 1), { expected: `a domain name after '@' in ${quote(text)}` });
  if (!host.ok) return host;
  return { ok: true, value: { address: `${localText.normalize('NFC')}@${host.value}`, qualified: true } };
}
