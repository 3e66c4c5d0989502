// Comment attachments travel from the parser to the printer next to the tree, keyed by its
// root, so the tree itself stays exactly what grammar/ produced.

import type { Attachments } from './attach.js';

const registry = new WeakMap<object, Attachments>();

export function registerAttachments(root: object, attachments: Attachments): void {
  registry.set(root, attachments);
}

export function attachmentsOf(root: object): Attachments {
  const found = registry.get(root);
  if (!found) throw new Error('the smtppolicy printer was given a tree its parser did not produce');
  return found;
}
