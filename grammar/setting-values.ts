// The kinds of value a setting takes. A setting's definition (keyword-table.ts) names one;
// this table says what follows the keyword in the text (nothing, one token, or a comma
// list), how the token becomes a typed value node, and how the reference writes it.
// The parser, CST→AST, the formatter and the generated docs all read it, so a new setting
// of an existing kind needs no code in any of them.

import type { IToken } from 'chevrotain';
import type { AnyNode, StringLiteral } from './ast.js';
import type { CstContext } from './cst-context.js';
import { durationValue, domainValue, hostPortValue, integerValue, rateValue, reverseZoneValue, sizeValue, tlsVersionValue, unreachableModeValue } from './value-nodes.js';

/** What a value kind reads after the keyword. */
export type ValueShape = 'none' | 'single' | 'list';

/** Options a definition may give its value builder. */
export interface ValueOptions {
  /** The phrase of a semantic error, as in "expected a number like 100, found …". */
  expected?: string;
  min?: number;
  max?: number;
}

export interface ValueKindInfo {
  shape: ValueShape;
  /** The chevrotain token name of the value: a bare value or a quoted string. */
  token?: 'Word' | 'StringLiteral';
  /** How the reference writes the value, as in `timeout DURATION`. */
  placeholder: string;
  /** The typed node of one value token; reports an invalid value at its range. */
  build?: (ctx: CstContext, token: IToken, options: ValueOptions) => AnyNode | StringLiteral;
}

export type ValueKind =
  | 'flag'
  | 'duration'
  | 'rate'
  | 'size'
  | 'count'
  | 'integer'
  | 'fqdn'
  | 'domains'
  | 'dns-servers'
  | 'reverse-zones'
  | 'path'
  | 'directory'
  | 'string'
  | 'text'
  | 'tls-version'
  | 'unreachable-mode';

/** The longest greeting text a `text` value may hold: a 220 line stays well under SMTP's 512-octet reply line. */
export const MAX_TEXT_LENGTH = 200;

/**
 * A line of text the server says to clients (a greeting banner). It is written into a
 * reply line, so it must not be able to end the line or start a new reply: printable
 * ASCII and spaces only, and not too long.
 */
function textValue(ctx: CstContext, token: IToken): StringLiteral {
  const literal = ctx.string(token);
  const bad = /[^\x20-\x7e]/.exec(literal.value);
  if (bad) {
    const code = bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    ctx.semantic(`expected printable ASCII text (a reply line goes on the wire as is), found U+${code}`, literal.range);
  } else if (literal.value.length > MAX_TEXT_LENGTH) {
    ctx.semantic(`expected at most ${MAX_TEXT_LENGTH} characters of text, found ${literal.value.length}`, literal.range);
  } else if (literal.value.trim() === '') {
    ctx.semantic('expected some text, found an empty string (leave the setting out instead)', literal.range);
  }
  return literal;
}

export const VALUE_KINDS: Record<ValueKind, ValueKindInfo> = {
  flag: { shape: 'none', placeholder: '' },
  duration: { shape: 'single', token: 'Word', placeholder: 'DURATION', build: (ctx, t) => durationValue(ctx, t) },
  rate: { shape: 'single', token: 'Word', placeholder: 'N/DURATION', build: (ctx, t) => rateValue(ctx, t) },
  size: { shape: 'single', token: 'Word', placeholder: 'SIZE', build: (ctx, t) => sizeValue(ctx, t) },
  count: {
    shape: 'single',
    token: 'Word',
    placeholder: 'N',
    build: (ctx, t, o) => integerValue(ctx, t, { min: o.min ?? 1, ...(o.max !== undefined ? { max: o.max } : {}), expected: o.expected ?? 'a number' }),
  },
  integer: {
    shape: 'single',
    token: 'Word',
    placeholder: 'N',
    build: (ctx, t, o) => integerValue(ctx, t, { ...(o.min !== undefined ? { min: o.min } : {}), ...(o.max !== undefined ? { max: o.max } : {}), expected: o.expected ?? 'a number' }),
  },
  fqdn: {
    shape: 'single',
    token: 'Word',
    placeholder: 'FQDN',
    build: (ctx, t, o) => domainValue(ctx, t, { fqdn: true, ...(o.expected ? { expected: o.expected } : {}) }),
  },
  domains: { shape: 'list', token: 'Word', placeholder: 'DOMAIN[, DOMAIN…]', build: (ctx, t) => domainValue(ctx, t) },
  'dns-servers': {
    shape: 'list',
    token: 'Word',
    placeholder: 'ADDR[, ADDR…]',
    build: (ctx, t, o) => hostPortValue(ctx, t, { portRequired: false, expected: o.expected ?? 'an address' }),
  },
  'reverse-zones': { shape: 'list', token: 'Word', placeholder: 'ZONE[, ZONE…]', build: (ctx, t) => reverseZoneValue(ctx, t) },
  path: { shape: 'single', token: 'StringLiteral', placeholder: '"PATH"', build: (ctx, t) => ctx.string(t) },
  directory: { shape: 'single', token: 'StringLiteral', placeholder: '"DIR"', build: (ctx, t) => ctx.string(t) },
  string: { shape: 'single', token: 'StringLiteral', placeholder: '"NAME"', build: (ctx, t) => ctx.string(t) },
  text: { shape: 'single', token: 'StringLiteral', placeholder: '"TEXT"', build: (ctx, t) => textValue(ctx, t) },
  'tls-version': { shape: 'single', token: 'Word', placeholder: 'VERSION', build: (ctx, t) => tlsVersionValue(ctx, t) },
  'unreachable-mode': { shape: 'single', token: 'Word', placeholder: 'fail-closed|local', build: (ctx, t) => unreachableModeValue(ctx, t) },
};
