// The user filter of a directory store with the login put in: the login is a value inside
// an assertion, escaped as RFC 4515 (section 3) says, so `*` is not a wildcard and `)(`
// cannot close the assertion and open another (`*)(uid=*` would otherwise match everyone).

/** RFC 4515 escaping of an assertion value: `\`, `*`, `(`, `)` and NUL become `\XX`. */
export function escapeFilterValue(value: string): string {
  return value.replace(/[\\*()\0]/g, (char) => `\\${char.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

export const LOGIN_PLACEHOLDER = '{login}';

/** The filter with every `{login}` replaced by the escaped login. */
export function userFilter(template: string, login: string): string {
  return template.split(LOGIN_PLACEHOLDER).join(escapeFilterValue(login));
}
