// Colours for the editor: comments, strings, addresses and the language's keywords. The
// keywords are not listed here: build.ts puts the grammar's own keyword table (the one the
// parser, the TextMate grammar and docs/language.md derive from) into the bundle, so the
// page stays free of the parser and never disagrees with it about what is a keyword.

import { StreamLanguage, type StringStream } from '@codemirror/language';

/** Keyword → how the grammar's table says to highlight it. Defined by build.ts. */
declare const SMTPPOLICY_KEYWORDS: Record<string, 'declaration' | 'setting' | 'constant'>;

// StreamLanguage's token names (mapped to @lezer/highlight tags by CodeMirror)
const STYLE = { declaration: 'keyword', setting: 'def', constant: 'atom' } as const;

function token(stream: StringStream): string | null {
  if (stream.eatSpace()) return null;
  if (stream.match('#')) {
    stream.skipToEnd();
    return 'comment';
  }
  if (stream.eat('"')) {
    while (!stream.eol()) {
      const next = stream.next();
      if (next === '\\') stream.next();
      else if (next === '"') break;
    }
    return 'string';
  }
  // addresses, prefixes, ports, sizes and durations: a digit first, or an IPv6 address
  if (stream.match(/^(?:[0-9][0-9a-zA-Z.:/]*|[0-9a-fA-F]*::[0-9a-fA-F:./]*)/)) return 'number';
  const word = stream.match(/^[A-Za-z_][\w.-]*/) as RegExpMatchArray | null;
  if (word) {
    const kind = SMTPPOLICY_KEYWORDS[word[0]];
    return kind === undefined ? null : STYLE[kind];
  }
  stream.next();
  return null;
}

export const smtppolicyLanguage = StreamLanguage.define({ name: 'smtppolicy', token, languageData: { commentTokens: { line: '#' } } });
