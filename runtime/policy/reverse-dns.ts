// What the client's reverse DNS says about a list's domain entries. A PTR name counts only
// when forward-confirmed (a forward lookup of the name gives the client address back):
// anyone can publish any PTR name for their own addresses.
import type { DomainItem } from '../config/types.js';
import type { AddressMatcher } from './address-matcher.js';
import type { SessionFacts } from './types.js';

export type NameCheck =
  /** A confirmed PTR name falls under this entry. */
  | { kind: 'matched'; item: DomainItem; name: string }
  /** Known not to match any domain entry; `result` says why, for the trace. */
  | { kind: 'not-matched'; result: string }
  /** Nothing is known (lookup failed or not made): a domain rule must fail closed. */
  | { kind: 'unknown'; notLookedUp: boolean; result: string };

export function checkReverseName(matcher: AddressMatcher, facts: SessionFacts): NameCheck {
  const reverse = facts.reverseDns;
  if (reverse === undefined) {
    return { kind: 'unknown', notLookedUp: true, result: 'reverse DNS lookup was not made' };
  }
  switch (reverse.status) {
    case 'error':
      return { kind: 'unknown', notLookedUp: false, result: `reverse DNS lookup failed: ${reverse.reason}` };
    case 'none':
      return { kind: 'not-matched', result: 'the client address has no PTR record' };
    case 'found': {
      if (!reverse.confirmed) {
        return {
          kind: 'not-matched',
          result: `PTR name ${reverse.name} is not forward-confirmed, so no domain entry applies`,
        };
      }
      const item = matcher.matchName(reverse.name);
      if (item === undefined) {
        return { kind: 'not-matched', result: `confirmed PTR name ${reverse.name} is under no listed domain` };
      }
      return { kind: 'matched', item, name: reverse.name };
    }
  }
}

/** `domain` or `domain (list name)`, for traces. */
export function describeEntry(item: { list?: string }, text: string): string {
  return item.list === undefined ? text : `${text} (list ${item.list})`;
}
