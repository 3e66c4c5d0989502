// Every place entries are listed together, as the overlap analysis sees them: each named
// list's own entries (as written), and each server's connection list, relay grants and
// proxy list (with named lists expanded). Shared by duplicate-entry and shadowed-entry.

import type { AddressEntry } from '../../../grammar/ast.js';
import type { Fix } from '../../../grammar/diagnostic.js';
import type { AddressItem } from '../../../runtime/config/types.js';
import { findOverlaps, sharedKeys, type Overlap, type OverlapEntry } from '../../analysis/entry-overlap.js';
import type { Located, PolicyModel } from '../../model.js';
import type { SourceFile } from '../../source-set.js';
import { deleteEntryFix } from '../../lint/edits.js';
import { where } from '../../lint/locate.js';
import type { Finding as RuleFinding, RuleContext } from '../../lint/rule.js';

export interface EntryRef {
  at: Located;
  /** Where the entry is written: a list name, or a server block; fixes stay inside one container. */
  container: string;
  text: string;
}

export interface Finding {
  overlap: Overlap<EntryRef>;
  what: string;
  /** `line 12`, or `common.smtppolicy:12`, of the covering entry. */
  byWhere: string;
  fix?: Fix;
}

// duplicate-entry and shadowed-entry both ask, once per check: compute it once per model.
const computed = new WeakMap<PolicyModel, Finding[]>();

export function entryOverlaps(model: PolicyModel): Finding[] {
  let findings = computed.get(model);
  if (!findings) {
    findings = computeEntryOverlaps(model);
    computed.set(model, findings);
  }
  return findings;
}

/**
 * Reports each overlap of one kind at the entry that overlaps, with its fix (when both are in
 * one container) and a link to the entry it repeats or that covers it (LSP
 * relatedInformation, SARIF relatedLocations); the rule says what to write at both.
 */
export function reportEntryOverlaps<M extends string>(
  context: RuleContext<M>,
  kind: Overlap<EntryRef>['kind'],
  describe: (finding: Finding) => Pick<RuleFinding<M>, 'messageId' | 'data'> & { related: string },
): void {
  for (const finding of entryOverlaps(context.model)) {
    if (finding.overlap.kind !== kind) continue;
    const { related, ...message } = describe(finding);
    const by = finding.overlap.by.value;
    context.report({
      at: finding.overlap.entry.value.at,
      ...message,
      ...(finding.fix ? { fix: finding.fix } : {}),
      related: [{ file: by.at.file.displayName, range: by.at.node.range, message: related }],
    });
  }
}

function computeEntryOverlaps(model: PolicyModel): Finding[] {
  const findings: Finding[] = [];
  const reported = new Set<string>();
  // Returns whether any entries overlap (reported here or already, through another collection).
  const collect = (entries: OverlapEntry<EntryRef>[], what: string): boolean => {
    const overlaps = findOverlaps(entries, sharedKeys);
    for (const overlap of overlaps) {
      const { at } = overlap.entry.value;
      const key = `${at.file.path}\0${at.node.range.start.offset}`;
      if (reported.has(key)) continue;
      reported.add(key);
      const sameContainer = overlap.entry.value.container === overlap.by.value.container && at.file === overlap.by.value.at.file;
      const byAt = overlap.by.value.at;
      const byWhere = at.file === byAt.file ? `line ${byAt.node.range.start.line}` : `${byAt.file.displayName}:${byAt.node.range.start.line}`;
      const fix = sameContainer
        ? deleteEntryFix(at.file.text, at.node.range, `Remove the ${overlap.kind === 'duplicate' ? 'duplicate' : 'redundant'} entry ${overlap.entry.value.text}`)
        : undefined;
      findings.push({ overlap, what, byWhere, ...(fix ? { fix } : {}) });
    }
    return overlaps.length > 0;
  };
  // Which collections are known, from earlier checks of the same document, to hold no overlaps.
  const reuse = model.reuse;

  for (const [name, list] of model.lists) {
    if (reuse?.listHasNoOverlaps(list.node)) continue;
    const overlapping = collect(fromSyntax(list.node.entries, list.file, `list ${name}`), `list '${name}'`);
    if (reuse && !overlapping) reuse.noteListHasNoOverlaps(list.node);
  }
  for (const server of model.servers) {
    const { config } = server;
    const groups: [AddressItem[], string][] = [
      [config.connections.entries, 'connection list'],
      [config.relay.entries, 'relay grants'],
      [config.proxyProtocol, 'proxy-protocol list'],
      [config.gateways, 'gateways list'],
    ];
    for (const [items, what] of groups) {
      if (reuse?.groupHasNoOverlaps(server.decl, what, items)) continue;
      const overlapping = collect(fromConfig(model, items, `server ${config.name}`), `${what} of server '${config.name}'`);
      if (reuse && !overlapping) reuse.noteGroupHasNoOverlaps(server.decl, what, items);
    }
  }
  return findings;
}

// Plain loops and one small object per entry: these run for every entry of every list and
// server on every keystroke in the editor.
function fromSyntax(entries: AddressEntry[], file: SourceFile, container: string): OverlapEntry<EntryRef>[] {
  const out: OverlapEntry<EntryRef>[] = [];
  for (const node of entries) {
    const entry = overlapEntry(node, new LazyEntryRef({ node, file }, container));
    if (entry) out.push(entry);
  }
  return out;
}

function fromConfig(model: PolicyModel, items: AddressItem[], serverContainer: string): OverlapEntry<EntryRef>[] {
  const out: OverlapEntry<EntryRef>[] = [];
  for (const item of items) {
    const at = model.nodeAt(item.source);
    if (!at) continue;
    const value = new LazyEntryRef(at, item.list ? `list ${item.list}` : serverContainer);
    // The item was made from this node: its parsed value gives the key without the item's text.
    const entry = overlapEntry(at.node as AddressEntry, value);
    out.push(entry ?? (item.kind === 'cidr' ? { kind: 'cidr', cidr: item.cidr, value } : { kind: 'domain', domain: item.domain, value }));
  }
  return out;
}

function overlapEntry(node: AddressEntry, value: EntryRef): OverlapEntry<EntryRef> | undefined {
  if ((node.kind === 'Cidr' || node.kind === 'Mask') && node.value) {
    const { network, prefix } = node.value;
    return { kind: 'keyed', key: sharedKeys.ofNetwork(network, prefix), value };
  }
  if (node.kind === 'Domain' && node.domain?.value) return { kind: 'domain', domain: node.domain.value, value };
  return undefined;
}

// The text is read only for the few entries that are reported, not for every entry. A class
// (its getter on the prototype) is much cheaper to create than an object literal with a getter.
class LazyEntryRef implements EntryRef {
  constructor(
    readonly at: Located,
    readonly container: string,
  ) {}

  get text(): string {
    return this.at.file.text.slice(this.at.node.range.start.offset, this.at.node.range.end.offset);
  }
}
