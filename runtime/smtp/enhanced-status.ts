// Every error reply carries an RFC 3463 enhanced status code once ENHANCEDSTATUSCODES is
// advertised (RFC 2034 3). Our own replies carry theirs (SmtpReply); smtp-server leaves some
// of its own replies without one: those it sends with `context = false` (HELO syntax
// errors) or in the context of a HELO/EHLO command (its 421s, e.g. for too many errors when
// the last one was an EHLO). The only
// replies RFC 2034 exempts are the greeting, the success replies to HELO/EHLO and 3xx
// continuations, so every 4xx/5xx gets its code here, chosen in this one place for all.
//
// Codes follow Postfix for the same situation where the library's per-code default would
// mislead (a 421 defaults to 4.4.2, "bad connection").

/** The library's own reply texts whose code is chosen by what they mean, not by the reply code. */
const BY_TEXT: readonly { text: RegExp; enhanced: string }[] = [
  // Postfix: "421 4.7.0 <host> Error: too many errors"
  { text: /^Error: too many unrecognized commands$/, enhanced: '4.7.0' },
  { text: /^HTTP requests not allowed$/, enhanced: '4.7.0' },
  // a protocol violation that is neither a syntax error of one command nor a policy refusal
  { text: /^Error: Command line too long$/, enhanced: '4.5.0' },
];

/** The library's defaults by reply code (smtp-server's ENHANCED_STATUS_CODES, errors only). */
const BY_CODE: Readonly<Record<number, string>> = {
  421: '4.4.2', 450: '4.2.1', 451: '4.3.0', 452: '4.2.2', 454: '4.7.0',
  500: '5.5.2', 501: '5.5.4', 502: '5.5.1', 503: '5.5.1', 504: '5.5.4',
  530: '5.7.0', 535: '5.7.8', 538: '5.7.0', 550: '5.1.1', 552: '5.2.2', 553: '5.1.3', 554: '5.6.0', 555: '5.5.4',
};

/**
 * The enhanced status code of an error reply whose text has none: by its text when the
 * library's text has a known meaning, else the code the library would use
 * (`libraryCode`, '' when it would send none), else by reply code, else `<class>.0.0`.
 * Always of the reply's own class (a 421 gets 4.x.x).
 */
export function enhancedCodeForError(code: number, text: string, libraryCode: string): string {
  const cls = String(Math.floor(code / 100));
  const known = BY_TEXT.find((entry) => entry.text.test(text))?.enhanced ?? (libraryCode || BY_CODE[code]);
  return known?.startsWith(`${cls}.`) ? known : `${cls}.0.0`;
}
