// The password file format (written by `smtppolicy passwd`, read by the server):
//
//   # comments and blank lines are ignored
//   <user>:scrypt$<N>$<r>$<p>$<salt b64>$<hash b64>
//
// One user per line; the user name (usually an address) runs to the first ':' and may not
// contain ':' or whitespace. Duplicate users are an error (which one would win?).
// CRAM-MD5 is not served from this file: it needs a password-equivalent secret on the
// server (HMAC-MD5 keyed with the password), which would turn a stolen file into stolen
// passwords; a store answering CRAM-MD5 would have to keep such secrets in a separate file.
import { parseHash, type ParsedHash } from './password-hash.js';

export interface PasswordEntry { user: string; hash: ParsedHash; line: number }

export class PasswordFileError extends Error {}

const USER = /^[^\s:]+$/;

export function parsePasswordFile(text: string, file: string): Map<string, PasswordEntry> {
  const entries = new Map<string, PasswordEntry>();
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    const lineNumber = index + 1;
    if (line === '' || line.startsWith('#')) return;
    const colon = line.indexOf(':');
    const user = colon > 0 ? line.slice(0, colon) : '';
    if (!USER.test(user)) {
      problems.push(`${file}:${lineNumber}:1: expected '<user>:<hash>', found '${line.slice(0, 40)}'`);
      return;
    }
    const hash = parseHash(line.slice(colon + 1));
    if (typeof hash === 'string') {
      problems.push(`${file}:${lineNumber}:${colon + 2}: invalid hash for '${user}': ${hash}`);
      return;
    }
    const key = normalizeUser(user);
    if (entries.has(key)) {
      problems.push(`${file}:${lineNumber}:1: user '${user}' is already defined on line ${entries.get(key)!.line}`);
      return;
    }
    entries.set(key, { user, hash, line: lineNumber });
  });
  if (problems.length > 0) throw new PasswordFileError(problems.join('\n'));
  return entries;
}

/** User names compare case-insensitively (they are usually addresses). */
export function normalizeUser(user: string): string {
  return user.toLowerCase();
}

/** Replaces or appends the line for `user`, keeping every other line (and comment) as it was. */
export function upsertPasswordLine(text: string, user: string, hash: string): string {
  const lines = text === '' ? [] : text.replace(/\n$/, '').split('\n');
  const key = normalizeUser(user);
  const index = lines.findIndex((line) => {
    const colon = line.indexOf(':');
    return colon > 0 && !line.trimStart().startsWith('#') && normalizeUser(line.slice(0, colon).trim()) === key;
  });
  const entry = `${user}:${hash}`;
  if (index >= 0) lines[index] = entry;
  else lines.push(entry);
  return `${lines.join('\n')}\n`;
}
