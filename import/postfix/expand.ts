// Postfix's parameter expansion: `$name`, `${name}`, `$(name)`, and the conditional forms
// `${name?value}` (value when name is non-empty) and `${name:value}` (value when empty).
// A service's `-o` overrides come before main.cf; defaults Postfix has built in come last.
import type { PostfixParameter } from './main-cf.js';

export type Lookup = (name: string) => string | undefined;

/** Built-in defaults the import needs when main.cf does not set them (Postfix 3.7, compatibility level 3.6). */
export const POSTFIX_DEFAULTS: Readonly<Record<string, string>> = {
  mydestination: '$myhostname, localhost.$mydomain, localhost',
  local_recipient_maps: 'proxy:unix:passwd.byname $alias_maps',
  mynetworks_style: 'host',
  inet_interfaces: 'all',
  inet_protocols: 'all',
  smtpd_relay_restrictions: 'permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination',
  smtpd_recipient_restrictions: '',
  smtpd_client_restrictions: '',
  smtpd_sender_restrictions: '',
  smtpd_tls_security_level: '',
  smtpd_tls_protocols: '>=TLSv1',
  smtpd_tls_mandatory_protocols: '>=TLSv1',
  smtpd_tls_ciphers: 'medium',
  smtpd_tls_mandatory_ciphers: 'medium',
  smtpd_tls_auth_only: 'no',
  smtpd_tls_wrappermode: 'no',
  smtpd_sasl_auth_enable: 'no',
  smtpd_delay_reject: 'yes',
  message_size_limit: '10240000',
  smtpd_recipient_limit: '1000',
  smtpd_client_connection_count_limit: '50',
  smtpd_timeout: '300s',
  default_process_limit: '100',
  relayhost: '',
  smtp_tls_security_level: '',
  virtual_mailbox_domains: '$virtual_mailbox_maps',
  virtual_mailbox_maps: '',
  relay_domains: '',
  smtpd_forbid_bare_newline: 'no',
};

export function lookupIn(...layers: Array<ReadonlyMap<string, PostfixParameter> | Readonly<Record<string, string>>>): Lookup {
  return (name) => {
    for (const layer of layers) {
      const value = layer instanceof Map ? layer.get(name)?.value : (layer as Record<string, string>)[name];
      if (value !== undefined) return value;
    }
    return undefined;
  };
}

export function expand(value: string, lookup: Lookup, depth = 0): string {
  if (depth > 20) return value; // a parameter that names itself: leave the rest as written
  return value.replace(/\$(?:\{([A-Za-z0-9_]+)(?:([?:])([^}]*))?\}|\(([A-Za-z0-9_]+)\)|([A-Za-z0-9_]+))/g, (whole, braced, operator, alternative, parenthesised, bare) => {
    const name = (braced ?? parenthesised ?? bare) as string;
    const found = lookup(name);
    const current = found === undefined ? undefined : expand(found, lookup, depth + 1);
    if (operator === '?') return current ? expand(alternative as string, lookup, depth + 1) : '';
    if (operator === ':') return current ? '' : expand(alternative as string, lookup, depth + 1);
    return current ?? (found === undefined ? whole : '');
  });
}

/** A Postfix list value: items separated by commas and/or whitespace; `{ … }` stays one item. */
export function listItems(value: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of value) {
    if (ch === '{') depth++;
    if (ch === '}') depth--;
    if (depth === 0 && (ch === ',' || /\s/.test(ch))) {
      if (current) items.push(current);
      current = '';
    } else current += ch;
  }
  if (current) items.push(current);
  return items;
}
