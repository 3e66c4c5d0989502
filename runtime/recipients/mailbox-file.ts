// The mailbox list file (`mailboxes file "PATH"` in a recipient list), read by the server:
//
//   # comments and blank lines are ignored
//   alice@contoso.example        a mailbox in contoso.example
//   bob                          a mailbox in every domain whose recipient list reads this file
//
// One mailbox a line, as an address or as a bare local part. A file may serve several
// domains: a domain takes the bare local parts and the addresses in its own domain, so one
// file can list the mailboxes of all of them. Local parts compare as Maildir folders are
// named (lower-case, Unicode normal form C). A line that is not a plausible address is an
// error (file:line:column), so a typo never silently removes a mailbox.
import { normalizeLocalPart } from '../policy/index.js';

export interface MailboxEntry {
  /** Lower-case, NFC. */
  localPart: string;
  /** Lower-case, no trailing dot; null for a bare local part (every domain that reads the file). */
  domain: string | null;
  line: number;
}

export class MailboxFileError extends Error {}

// RFC 5321 dot-atom characters and, for SMTPUTF8 mailboxes, letters, marks and digits of any script
const LOCAL_PART = /^[\p{L}\p{M}\p{N}!#$%&'*+\-=?^_`{|}~]+(\.[\p{L}\p{M}\p{N}!#$%&'*+\-=?^_`{|}~]+)*$/u;
const DOMAIN = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** Every mailbox of the file; throws a MailboxFileError listing each bad line. */
export function parseMailboxFile(text: string, file: string): MailboxEntry[] {
  const entries: MailboxEntry[] = [];
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const at = `${file}:${index + 1}:${raw.length - raw.trimStart().length + 1}`;
    const problem = entryProblem(line);
    if (problem !== null) {
      problems.push(`${at}: expected an address like alice@example.com or a local part like alice, found '${line.slice(0, 60)}': ${problem}`);
      return;
    }
    const split = line.lastIndexOf('@');
    entries.push({
      localPart: normalizeLocalPart(split < 0 ? line : line.slice(0, split)),
      domain: split < 0 ? null : line.slice(split + 1).toLowerCase().replace(/\.$/, ''),
      line: index + 1,
    });
  });
  if (problems.length > 0) throw new MailboxFileError(problems.join('\n'));
  return entries;
}

function entryProblem(line: string): string | null {
  if (/\s/.test(line)) return 'one mailbox a line, without spaces';
  const split = line.lastIndexOf('@');
  const localPart = split < 0 ? line : line.slice(0, split);
  if (localPart === '') return 'the local part is empty';
  if (Buffer.byteLength(localPart) > 64) return 'the local part is longer than 64 octets';
  if (!LOCAL_PART.test(localPart.normalize('NFC'))) return 'the local part is not a plain dot-atom';
  if (split >= 0 && !DOMAIN.test(line.slice(split + 1).toLowerCase().replace(/\.$/, ''))) return 'the domain is not a valid host name';
  return null;
}
