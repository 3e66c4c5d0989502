// Names in the written smtpd.conf: every table, filter, action and tag of a server is
// named after it (quoted: OpenSMTPD's grammar has keywords such as `mx` and `local` that an
// unquoted server name could collide with). Values are quoted with OpenSMTPD's string syntax.

/** A quoted string of smtpd.conf. */
export function q(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** The tag, table, filter and action names of one server (each kind has its own namespace in smtpd.conf). */
export function serverNames(server: string) {
  return {
    tag: server,
    connections: `${server}-connections`,
    connectionDomains: `${server}-connection-domains`,
    connectionFilter: `${server}-connections`,
    everyone: `${server}-everyone`,
    relay: `${server}-relay`,
    relayDomains: `${server}-relay-domains`,
    recipients: `${server}-recipients`,
    virtual: `${server}-virtual`,
    anyLocalPart: `${server}-any-local-part`,
    localDomains: `${server}-local-domains`,
    localAction: `${server}-local`,
    relayAction: `${server}-relay`,
    routeAction: (index: number) => `${server}-route-${index + 1}`,
    smarthostSecrets: `${server}-smarthost-secrets`,
  };
}

/** `table NAME { a, b }` (a list) or `table NAME { "k" = "v", … }` (a mapping). */
export function inlineTable(name: string, entries: readonly string[] | ReadonlyArray<readonly [string, string]>): string {
  const items = entries.map((entry) => (typeof entry === 'string' ? q(entry) : `${q(entry[0])} = ${q(entry[1])}`));
  return `table ${q(name)} { ${items.join(', ')} }`;
}
