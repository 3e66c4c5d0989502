// The password file format (written by `smtppolicy passwd`, read by the server):
//
//   # comments and blank lines are ignored
//   <user>:<secret>[:<secret>…]
//
//   <secret> is one of, each at most once per user, in any order:
//     scrypt$<N>$<r>$<p>$<salt b64>$<hash b64>        PLAIN, LOGIN   (password-hash.ts)
//     cram-md5$<inner state hex>$<outer state hex>     CRAM-MD5       (cram-md5.ts)
//     token$sha256$<SHA-256 of the token, b64>         XOAUTH2        (bearer-token.ts)
//
// One user per line; the user name (usually an address) runs to the first ':' and may not
// contain ':' or whitespace. A user needs at least one secret and may log in only with the
// mechanisms whose secret the line has (a line with only a token is a user who may only
// use XOAUTH2). Duplicate users are an error (which one would win?). Files with only
// `<user>:scrypt$…` lines, the original format, stay valid.
//
// The trade-off: the scrypt hash and the token digest are one-way, so a stolen file yields
// neither passwords nor tokens. The CRAM-MD5 secret cannot be one-way: CRAM-MD5 needs the
// server to compute HMAC-MD5 keyed with the password, so whoever holds the secret can log
// in with CRAM-MD5 as that user. It is stored as HMAC-MD5's intermediate states, not as the
// password, so the thief still does not learn the password for PLAIN/LOGIN or elsewhere.
// Add it only for users who need CRAM-MD5 (`smtppolicy passwd --cram-md5`), and keep the
// file readable by the server alone (passwd writes it with mode 0600).
import { parseHash, type ParsedHash } from './password-hash.js';
import { parseCramMd5Secret, type CramMd5Secret } from './cram-md5.js';
import { parseTokenSecret } from './bearer-token.js';

/** The kinds of secret a line can hold, named by their tag in the file. */
export type SecretScheme = 'scrypt' | 'cram-md5' | 'token';

/** Canonical order of the fields when a line is written. */
export const SECRET_SCHEMES: readonly SecretScheme[] = ['scrypt', 'cram-md5', 'token'];

export interface PasswordEntry {
  user: string;
  line: number;
  /** For PLAIN and LOGIN. */
  scrypt: ParsedHash | null;
  /** For CRAM-MD5. */
  cramMd5: CramMd5Secret | null;
  /** SHA-256 of the XOAUTH2 bearer token. */
  token: Buffer | null;
}

export class PasswordFileError extends Error {}

const USER = /^[^\s:]+$/;

function isScheme(tag: string): tag is SecretScheme {
  return (SECRET_SCHEMES as readonly string[]).includes(tag);
}

function parseField(scheme: SecretScheme, field: string): Partial<PasswordEntry> | string {
  switch (scheme) {
    case 'scrypt': {
      const hash = parseHash(field);
      return typeof hash === 'string' ? hash : { scrypt: hash };
    }
    case 'cram-md5': {
      const secret = parseCramMd5Secret(field);
      return typeof secret === 'string' ? secret : { cramMd5: secret };
    }
    case 'token': {
      const digest = parseTokenSecret(field);
      return typeof digest === 'string' ? digest : { token: digest };
    }
  }
}

/** One ':'-separated field after the user name, as written. */
export interface SecretField {
  text: string;
  /** Where the field starts in the raw line (0-based, indentation included). */
  offset: number;
  /** The scheme its tag names; null for an unknown tag (a plaintext password, a foreign hash) or an empty field. */
  scheme: SecretScheme | null;
  /** Why the field is not a valid secret of its scheme; null when it is valid or has no scheme. */
  problem: string | null;
  /** The parsed secret, when the field is a valid one. */
  value: Partial<PasswordEntry> | null;
}

/** A line that holds something: a user with their fields, or text that is not `<user>:…`. */
export type PasswordLine =
  | { kind: 'user'; line: number; indent: number; user: string; fields: SecretField[] }
  | { kind: 'malformed'; line: number; indent: number; text: string };

/**
 * Every non-blank, non-comment line of a password file, each field classified and parsed.
 * Never throws: parsePasswordFile turns this into users or errors, and the
 * weak-password-storage lint rule judges the same fields, so both read one format.
 */
export function readPasswordLines(text: string): PasswordLine[] {
  const lines: PasswordLine[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    const lineNumber = index + 1;
    // columns count from the start of the raw line, indentation included
    const indent = raw.length - raw.trimStart().length;
    if (line === '' || line.startsWith('#')) return;
    const colon = line.indexOf(':');
    const user = colon > 0 ? line.slice(0, colon) : '';
    if (!USER.test(user)) {
      lines.push({ kind: 'malformed', line: lineNumber, indent, text: line });
      return;
    }
    const fields: SecretField[] = [];
    let offset = indent + colon + 1;
    for (const field of line.slice(colon + 1).split(':')) {
      const tag = field.split('$', 1)[0]!;
      const scheme = field !== '' && isScheme(tag) ? tag : null;
      const parsed = scheme ? parseField(scheme, field) : null;
      fields.push({
        text: field,
        offset,
        scheme,
        problem: typeof parsed === 'string' ? parsed : null,
        value: typeof parsed === 'string' ? null : parsed,
      });
      offset += field.length + 1;
    }
    lines.push({ kind: 'user', line: lineNumber, indent, user, fields });
  });
  return lines;
}

export function parsePasswordFile(text: string, file: string): Map<string, PasswordEntry> {
  const entries = new Map<string, PasswordEntry>();
  const problems: string[] = [];
  for (const read of readPasswordLines(text)) {
    const at = (offset: number) => `${file}:${read.line}:${offset + 1}`;
    if (read.kind === 'malformed') {
      problems.push(`${at(read.indent)}: expected '<user>:<secret>', found '${read.text.slice(0, 40)}'`);
      continue;
    }
    const { user } = read;
    const entry: PasswordEntry = { user, line: read.line, scrypt: null, cramMd5: null, token: null };
    const seen = new Set<SecretScheme>();
    let valid = true;
    for (const field of read.fields) {
      const tag = field.text.split('$', 1)[0]!;
      let problem: string | undefined;
      if (field.text === '') problem = `expected a secret (scrypt$…, cram-md5$… or token$sha256$…) for '${user}'`;
      else if (field.scheme === null) problem = `unknown secret '${tag.slice(0, 20)}' for '${user}': expected scrypt$…, cram-md5$… or token$sha256$…`;
      else if (seen.has(field.scheme)) problem = `'${user}' has a second ${field.scheme} secret (each kind at most once)`;
      else {
        if (field.problem !== null) problem = `invalid ${field.scheme === 'scrypt' ? 'hash' : `${field.scheme} secret`} for '${user}': ${field.problem}`;
        else Object.assign(entry, field.value);
        seen.add(field.scheme);
      }
      if (problem !== undefined) {
        problems.push(`${at(field.offset)}: ${problem}`);
        valid = false;
      }
    }
    if (!valid) continue;
    const key = normalizeUser(user);
    if (entries.has(key)) {
      problems.push(`${at(read.indent)}: user '${user}' is already defined on line ${entries.get(key)!.line}`);
      continue;
    }
    entries.set(key, entry);
  }
  if (problems.length > 0) throw new PasswordFileError(problems.join('\n'));
  return entries;
}

/** User names compare case-insensitively (they are usually addresses). */
export function normalizeUser(user: string): string {
  return user.toLowerCase();
}

/** New field text per scheme; `null` removes that secret, a missing key keeps it. */
export type SecretChanges = Partial<Record<SecretScheme, string | null>>;

function isLineOf(line: string, key: string): boolean {
  const colon = line.indexOf(':');
  return colon > 0 && !line.trimStart().startsWith('#') && normalizeUser(line.slice(0, colon).trim()) === key;
}

function fieldsOf(line: string): Map<SecretScheme, string> {
  const fields = new Map<SecretScheme, string>();
  for (const field of line.trim().slice(line.trim().indexOf(':') + 1).split(':')) {
    const tag = field.split('$', 1)[0]!;
    if (isScheme(tag)) fields.set(tag, field);
  }
  return fields;
}

/**
 * Applies `changes` to the line of `user` (appending one when there is none), keeping the
 * user's other secrets and every other line (and comment) as it was. A line left with no
 * secret is removed. Expects a file parsePasswordFile accepts.
 */
export function updatePasswordLine(text: string, user: string, changes: SecretChanges): string {
  const lines = text === '' ? [] : text.replace(/\n$/, '').split('\n');
  const key = normalizeUser(user);
  const index = lines.findIndex((line) => isLineOf(line, key));
  const fields = index >= 0 ? fieldsOf(lines[index]!) : new Map<SecretScheme, string>();
  for (const scheme of SECRET_SCHEMES) {
    const change = changes[scheme];
    if (change === null) fields.delete(scheme);
    else if (change !== undefined) fields.set(scheme, change);
  }
  const ordered = SECRET_SCHEMES.flatMap((scheme) => (fields.has(scheme) ? [fields.get(scheme)!] : []));
  const entry = ordered.length === 0 ? null : `${user}:${ordered.join(':')}`;
  if (index >= 0 && entry === null) lines.splice(index, 1);
  else if (index >= 0) lines[index] = entry!;
  else if (entry !== null) lines.push(entry);
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/** Sets the scrypt hash of `user` (adding the user if needed), keeping their other secrets. */
export function upsertPasswordLine(text: string, user: string, hash: string): string {
  return updatePasswordLine(text, user, { scrypt: hash });
}

/** Removes the line of `user`; the text is unchanged when there is none. */
export function removePasswordLine(text: string, user: string): string {
  return updatePasswordLine(text, user, { scrypt: null, 'cram-md5': null, token: null });
}
