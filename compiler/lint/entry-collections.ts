// Every place entries are listed together, as the overlap analysis sees them: each named
// list's own entries (as written), and each server's connection list, relay grants and
// proxy list (with named lists expanded). Shared by duplicate-entry and shadowed-entry.

import type { AddressEntry } from '../../grammar/ast.js';
import type { Fix } from '../../grammar/diagnostic.js';
import type { AddressItem } from '../../runtime/config/types.js';
import { findOverlaps, KeyCache, type Overlap, type OverlapEntry } from '../analysis/entry-overlap.js';
import type { Located, PolicyModel } from '../model.js';
import type { SourceFile } from '../source-set.js';
import { deleteEntryFix } from './edits.js';
import { where } from './locate.js';

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

function computeEntryOverlaps(model: PolicyModel): Finding[] {
  const findings: Finding[] = [];
  const reported = new Set<string>();
  const keys = new KeyCache();
  const collect = (entries: OverlapEntry<EntryRef>[], what: string) => {
    for (const overlap of findOverlaps(entries, keys)) {
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
  };

  for (const [name, list] of model.lists) {
    collect(fromSyntax(list.node.entries, list.file, `list ${name}`), `list '${name}'`);
  }
  for (const server of model.servers) {
    const { config } = server;
    const groups: [AddressItem[], string][] = [
      [config.connections.entries, 'connection list'],
      [config.relay.entries, 'relay grants'],
      [config.proxyProtocol, 'proxy-protocol list'],
    ];
    for (const [items, what] of groups) {
      collect(fromConfig(model, items, `server ${config.name}`), `${what} of server '${config.name}'`);
    }
  }
  return findings;
}

function fromSyntax(entries: AddressEntry[], file: SourceFile, container: string): OverlapEntry<EntryRef>[] {
  return entries.flatMap((node): OverlapEntry<EntryRef>[] => {
    const value = entryRef({ node, file }, container);
    if ((node.kind === 'Cidr' || node.kind === 'Mask') && node.value) return [{ kind: 'cidr', cidr: `${node.value.network}/${node.value.prefix}`, value }];
    if (node.kind === 'Domain' && node.domain?.value) return [{ kind: 'domain', domain: node.domain.value, value }];
    return [];
  });
}

function fromConfig(model: PolicyModel, items: AddressItem[], serverContainer: string): OverlapEntry<EntryRef>[] {
  return items.flatMap((item): OverlapEntry<EntryRef>[] => {
    const at = model.nodeAt(item.source);
    if (!at) return [];
    const value = entryRef(at, item.list ? `list ${item.list}` : serverContainer);
    return [item.kind === 'cidr' ? { kind: 'cidr', cidr: item.cidr, value } : { kind: 'domain', domain: item.domain, value }];
  });
}


// The text is read only for the few entries that are reported, not for every entry.
function entryRef(at: Located, container: string): EntryRef {
  return {
    at,
    container,
    get text() {
      return at.file.text.slice(at.node.range.start.offset, at.node.range.end.offset);
    },
  };
}
