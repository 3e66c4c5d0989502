// Turns entry syntax (addresses, ranges, masks, domains, `@list` references) into the
// runtime config's flat AddressItem lists, expanding named lists where they are used.

import type { AddressEntry, ListDecl } from '../grammar/ast.js';
import { CidrEntryNode } from '../grammar/cidr-entry-node.js';
import { DomainEntryNode } from '../grammar/domain-entry-node.js';
import type { AddressItem } from '../runtime/config/types.js';
import type { CheckReuse } from './check-reuse.js';
import { CidrEntryItem } from './cidr-entry-item.js';
import { DomainEntryItem } from './domain-entry-item.js';
import type { Located } from './model.js';
import type { ResolveContext } from './resolve-context.js';
import type { SourceFile } from './source-set.js';
import { didYouMean } from './suggest.js';

/**
 * Entries that list references may add to a policy, all references together: at least
 * MIN_EXPANDED_ENTRIES, or EXPANSION_FACTOR times the entries written in its lists. Every
 * reference copies the whole list into the runtime config, so without a bound a few lines
 * (`list l1 { @l2 @l2 }`, `list l2 { @l3 @l3 }`, …) would ask for 2^n entries.
 */
export const MIN_EXPANDED_ENTRIES = 4_000_000;
export const EXPANSION_FACTOR = 16;

export class EntryResolver {
  /** Lists currently being expanded, in order: a reference back to one of them is a cycle. */
  private readonly expanding = new Set<string>();
  private readonly expanded = new Map<string, AddressItem[]>();
  /** Entries added through list references so far, and how many may be (see MIN_EXPANDED_ENTRIES). */
  private expandedEntries = 0;
  private readonly maxExpandedEntries: number;

  constructor(
    private readonly ctx: ResolveContext,
    private readonly lists: Map<string, Located<ListDecl>>,
    private readonly reuse?: CheckReuse,
  ) {
    let written = 0;
    for (const { node } of lists.values()) written += node.entries.length;
    this.maxExpandedEntries = Math.max(MIN_EXPANDED_ENTRIES, EXPANSION_FACTOR * written);
  }

  /**
   * `allowDomains` is false where reverse DNS makes no sense (trusted PROXY load balancers):
   * a domain entry there is reported, not silently ignored.
   */
  resolve(entries: AddressEntry[], file: SourceFile, where: string, allowDomains = true): AddressItem[] {
    return this.resolveEntries(entries, file, where, allowDomains, undefined);
  }

  /**
   * `listName`: the list the entries are written in, recorded on each item made here. Where
   * the entries reference lists, the items of an earlier resolution of the same entries are
   * taken over when every list they reference kept its items (see reusedEntries).
   */
  private resolveEntries(entries: AddressEntry[], file: SourceFile, where: string, allowDomains: boolean, listName: string | undefined): AddressItem[] {
    const inputs = this.reuse && entries.some((e) => e.kind === 'ListRef') ? this.inputsOf(entries, file, where, allowDomains, listName) : undefined;
    if (inputs) {
      const reused = this.reusedEntries(entries, file, inputs);
      if (reused) return reused;
    }
    const errorsBefore = this.ctx.diagnostics.length;
    const items = this.makeItems(entries, file, where, allowDomains, listName);
    // Items made with errors are not kept: the errors must be reported again next time.
    if (inputs && this.ctx.diagnostics.length === errorsBefore) this.reuse!.noteResolvedEntries(inputs.key, inputs.lists, items);
    return items;
  }

  /**
   * What the items of `entries` depend on: the file's config path, where they are written,
   * each written entry's value and line and column (its item's `source`), and the expanded
   * items of each list they name. The key spells all but the lists' items, which are compared
   * as arrays: a list an edit did not touch keeps its items array from check to check (and
   * one that changed gets a new one). Undefined when a named list is not expanded (unknown,
   * or on a cycle): its error is reported again by making the items.
   */
  private inputsOf(entries: AddressEntry[], file: SourceFile, where: string, allowDomains: boolean, listName: string | undefined): EntryInputs | undefined {
    let key = `${this.ctx.configPathOf(file)}\0${where}\0${allowDomains}\0${listName ?? ''}`;
    const lists: AddressItem[][] = [];
    for (const entry of entries) {
      const { line, column } = entry.range.start;
      switch (entry.kind) {
        case 'Cidr':
        case 'Mask': {
          const value = entry.value; // parsed on each read (value-nodes.ts)
          key += value ? `\0${value.network}/${value.prefix}@${line}:${column}` : '\0-';
          break;
        }
        case 'Domain':
          key += entry.domain?.value ? `\0domain ${entry.domain.value}@${line}:${column}` : '\0-';
          break;
        case 'ListRef': {
          const listed = this.expanded.get(entry.name);
          if (listed === undefined) return undefined;
          lists.push(listed);
          key += `\0@${entry.name}`;
          break;
        }
      }
    }
    return { key, lists };
  }

  /** The items an earlier resolution made from the same inputs, their sources recorded again; undefined if none. */
  private reusedEntries(entries: AddressEntry[], file: SourceFile, inputs: EntryInputs): AddressItem[] | undefined {
    const items = this.reuse!.resolvedEntries(inputs.key, inputs.lists);
    if (items === undefined) return undefined;
    let listed = 0;
    for (const list of inputs.lists) listed += list.length;
    // Past the expansion limit, making the items reports where (they were made within it).
    if (this.expandedEntries + listed > this.maxExpandedEntries) return undefined;
    this.expandedEntries += listed;
    for (const entry of entries) {
      const made = ((entry.kind === 'Cidr' || entry.kind === 'Mask') && entry.value) || (entry.kind === 'Domain' && entry.domain?.value);
      if (made) this.ctx.source(file, entry);
    }
    return items;
  }

  private makeItems(entries: AddressEntry[], file: SourceFile, where: string, allowDomains: boolean, listName: string | undefined): AddressItem[] {
    const items: AddressItem[] = [];
    for (const entry of entries) {
      switch (entry.kind) {
        case 'Cidr':
        case 'Mask': {
          // Read once: an address entry parses its text each time its value is read (value-nodes.ts).
          const value = entry.value;
          if (value && entry instanceof CidrEntryNode) {
            // the common entry: an item that spells its strings when read (entry-item.ts)
            this.ctx.recordSource(file, entry);
            items.push(new CidrEntryItem(entry, this.ctx.configPathOf(file), listName));
          } else if (value) {
            // join, not a template: one flat string, where concatenation keeps a rope and its
            // parts alive for as long as the config lives.
            const cidr = [value.network, value.prefix].join('/');
            const source = this.ctx.source(file, entry);
            // One object per entry, its keys always in this order (the config's JSON keeps it).
            items.push(listName === undefined ? { kind: 'cidr', cidr, source } : { kind: 'cidr', cidr, source, list: listName });
          }
          break;
        }
        case 'Domain':
          if (!allowDomains) {
            this.ctx.error(file, entry.range, `${where} takes addresses and ranges only, not domain entries`);
          } else if (entry instanceof DomainEntryNode) {
            // the common entry, as for addresses: an item that spells its strings when read
            if (entry.domain?.value) {
              this.ctx.recordSource(file, entry);
              items.push(new DomainEntryItem(entry, this.ctx.configPathOf(file), listName));
            }
          } else if (entry.domain?.value) {
            const domain = entry.domain.value;
            const source = this.ctx.source(file, entry);
            items.push(listName === undefined ? { kind: 'domain', domain, source } : { kind: 'domain', domain, source, list: listName });
          }
          break;
        case 'ListRef': {
          const listed = this.expandList(entry.name, file, entry);
          if (this.expandedEntries + listed.length > this.maxExpandedEntries) {
            const limit = this.maxExpandedEntries.toLocaleString('en-US');
            this.ctx.error(file, entry.range, `list '@${entry.name}' is not expanded here: the entries copied in by list references would pass ${limit}, the limit for this policy (${EXPANSION_FACTOR} × the entries written in its lists, at least ${MIN_EXPANDED_ENTRIES.toLocaleString('en-US')}); reference each list once where it is needed`);
            break;
          }
          this.expandedEntries += listed.length;
          for (const item of listed) {
            if (item.kind === 'domain' && !allowDomains) {
              this.ctx.error(file, entry.range, `${where} takes addresses and ranges only, but list '${entry.name}' holds domain ${item.domain}`);
            } else {
              items.push(item);
            }
          }
          break;
        }
      }
    }
    return items;
  }

  /** Every entry of a declared list, nested lists expanded (errors inside it are reported once). */
  listItems(name: string): AddressItem[] {
    const list = this.lists.get(name);
    return list ? this.expandDeclared(name, list, list.file, list.node) : [];
  }

  private expandList(name: string, file: SourceFile, ref: AddressEntry & { kind: 'ListRef' }): AddressItem[] {
    const list = this.lists.get(name);
    if (!list) {
      this.ctx.error(file, ref.nameRange, `unknown list '@${name}'${didYouMean(name, this.lists.keys())}`);
      return [];
    }
    return this.expandDeclared(name, list, file, ref);
  }

  private expandDeclared(name: string, list: Located<ListDecl>, file: SourceFile, at: AddressEntry | ListDecl): AddressItem[] {
    if (this.expanding.has(name)) {
      const path = [...this.expanding];
      const chain = [...path.slice(path.indexOf(name)), name].map((n) => `@${n}`).join(' → ');
      this.ctx.error(file, at.range, `list reference cycle: ${chain}`);
      return [];
    }
    const cached = this.expanded.get(name);
    if (cached) return cached;
    this.expandDepthFirst(name, list);
    return this.expanded.get(name) ?? [];
  }

  /**
   * Expands a list and every list it references, the deepest first, with a stack of its own
   * instead of recursion: a chain of 1,500 lists each referencing the next overflowed Node's
   * call stack. A list's entries are resolved once every list it references is expanded (or
   * is on the path to it: a cycle, reported where the reference is written).
   */
  private expandDepthFirst(name: string, list: Located<ListDecl>): void {
    const path: { name: string; list: Located<ListDecl>; next: number }[] = [];
    const enter = (n: string, l: Located<ListDecl>) => {
      const reused = this.reused(l);
      if (reused) this.expanded.set(n, reused);
      else {
        path.push({ name: n, list: l, next: 0 });
        this.expanding.add(n);
      }
    };
    enter(name, list);
    while (path.length > 0) {
      const top = path[path.length - 1]!;
      const child = this.nextUnexpandedReference(top);
      if (child) {
        enter(child.name, child.list);
        continue;
      }
      path.pop();
      this.expanded.set(top.name, this.resolveList(top.name, top.list));
      this.expanding.delete(top.name);
    }
  }

  /** The next list `frame`'s entries reference that is declared, not expanded and not on the path. */
  private nextUnexpandedReference(frame: { list: Located<ListDecl>; next: number }): { name: string; list: Located<ListDecl> } | undefined {
    const { entries } = frame.list.node;
    while (frame.next < entries.length) {
      const entry = entries[frame.next++]!;
      if (entry.kind !== 'ListRef') continue;
      const target = this.lists.get(entry.name);
      if (target && !this.expanded.has(entry.name) && !this.expanding.has(entry.name)) return { name: entry.name, list: target };
    }
    return undefined;
  }

  /** A list's own entries, the lists it references already expanded; `name` is still on the path. */
  private resolveList(name: string, list: Located<ListDecl>): AddressItem[] {
    // An entry keeps the name of the innermost list that holds it: that is where to edit it
    // (items of nested lists already carry theirs).
    const items = this.resolveEntries(list.node.entries, list.file, `list '${name}'`, true, name);
    // A list without references resolves from its own node alone, without diagnostics (a
    // list takes domains, and invalid values were reported by the parser): keep its items.
    if (this.reuse && !list.node.entries.some((e) => e.kind === 'ListRef')) {
      this.reuse.noteListItems(list.node, this.ctx.configPathOf(list.file), items);
    }
    return items;
  }

  /** The items an earlier check made for this list (see CheckReuse.listItems), their sources recorded when asked for. */
  private reused(list: Located<ListDecl>): AddressItem[] | undefined {
    const items = this.reuse?.listItems(list.node, this.ctx.configPathOf(list.file));
    if (items === undefined) return undefined;
    this.ctx.recordLater(list.file, list.node, () => {
      // Items were made in entry order, one for each entry with a value.
      let next = 0;
      for (const entry of list.node.entries) {
        const made = ((entry.kind === 'Cidr' || entry.kind === 'Mask') && entry.value) || (entry.kind === 'Domain' && entry.domain?.value);
        if (made) this.ctx.adoptSource(list.file, entry, items[next++]!.source);
      }
    });
    return items;
  }
}

/** What entries' items depend on (EntryResolver.inputsOf). */
interface EntryInputs {
  key: string;
  lists: AddressItem[][];
}
