// Whether two syntax trees say the same thing, whatever their layout: ranges, spelling of
// values (when both parsed) and string escapes aside, every node, normalised value and
// comment text must match, in order. Used to guard formatting and by its tests.

import { ownFields, type PolicyFile } from '../grammar/index.js';

/** Keys that record where or how something was written, not what it says. */
const LAYOUT_KEYS = new Set(['range', 'nameRange', 'raw', 'printed']);
/** Value nodes whose `text` is only a spelling once the value parsed. */
const VALUE_KINDS = new Set(['Cidr', 'DomainValue', 'HostPort', 'Duration', 'Rate', 'Size', 'Integer', 'TlsVersion']);

/** The tree without layout: what formatting must preserve. */
export function meaningOf(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(meaningOf);
  if (node === null || typeof node !== 'object') return node;
  const source = ownFields(node) as Record<string, unknown>;
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source)) {
    if (LAYOUT_KEYS.has(key)) continue;
    if (key === 'text') {
      if (VALUE_KINDS.has(source['kind'] as string) && source['value'] !== null) continue;
      if (source['kind'] === 'Comment') {
        result[key] = String(value).trimEnd();
        continue;
      }
    }
    // The address in front of `mask` is spelled canonically once the entry parsed.
    if (key === 'address' && source['kind'] === 'Mask' && source['value'] !== null) continue;
    result[key] = meaningOf(value);
  }
  return result;
}

/** undefined when both trees mean the same; otherwise where they first differ. */
export function sameMeaning(before: PolicyFile, after: PolicyFile): string | undefined {
  return firstDifference(meaningOf(before), meaningOf(after), 'file');
}

function firstDifference(a: unknown, b: unknown, where: string): string | undefined {
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if (i >= a.length) return `${where}[${i}] was added`;
      if (i >= b.length) return `${where}[${i}] was removed`;
      const found = firstDifference(a[i], b[i], `${where}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const left = a as Record<string, unknown>;
    const right = b as Record<string, unknown>;
    for (const key of new Set([...Object.keys(left), ...Object.keys(right)])) {
      const found = firstDifference(left[key], right[key], `${where}.${key}`);
      if (found) return found;
    }
    return undefined;
  }
  return Object.is(a, b) ? undefined : `${where}: ${JSON.stringify(a)} became ${JSON.stringify(b)}`;
}
