// Turns entry syntax (addresses, ranges, masks, domains, `@list` references) into the
// runtime config's flat AddressItem lists, expanding named lists where they are used.

import type { AddressEntry, ListDecl } from '../grammar/ast.js';
import type { AddressItem } from '../runtime/config/types.js';
import type { CheckReuse } from './check-reuse.js';
import type { Located } from './model.js';
import type { ResolveContext } from './resolve-context.js';
import type { SourceFile } from './source-set.js';
import { didYouMean } from './suggest.js';

export class EntryResolver {
  /** Lists currently being expanded: a reference back to one of them is a cycle. */
  private readonly expanding: string[] = [];
  private readonly expanded = new Map<string, AddressItem[]>();

  constructor(
    private readonly ctx: ResolveContext,
    private readonly lists: Map<string, Located<ListDecl>>,
    private readonly reuse?: CheckReuse,
  ) {}

  /**
   * `allowDomains` is false where reverse DNS makes no sense (trusted PROXY load balancers):
   * a domain entry there is reported, not silently ignored.
   */
  resolve(entries: AddressEntry[], file: SourceFile, where: string, allowDomains = true): AddressItem[] {
    return this.resolveEntries(entries, file, where, allowDomains, undefined);
  }

  /** `listName`: the list the entries are written in, recorded on each item made here. */
  private resolveEntries(entries: AddressEntry[], file: SourceFile, where: string, allowDomains: boolean, listName: string | undefined): AddressItem[] {
    const items: AddressItem[] = [];
    for (const entry of entries) {
      switch (entry.kind) {
        case 'Cidr':
        case 'Mask':
          if (entry.value) {
            const cidr = `${entry.value.network}/${entry.value.prefix}`;
            const source = this.ctx.source(file, entry);
            // One object per entry, its keys always in this order (the config's JSON keeps it).
            items.push(listName === undefined ? { kind: 'cidr', cidr, source } : { kind: 'cidr', cidr, source, list: listName });
          }
          break;
        case 'Domain':
          if (!allowDomains) {
            this.ctx.error(file, entry.range, `${where} takes addresses and ranges only, not domain entries`);
          } else if (entry.domain?.value) {
            const domain = entry.domain.value;
            const source = this.ctx.source(file, entry);
            items.push(listName === undefined ? { kind: 'domain', domain, source } : { kind: 'domain', domain, source, list: listName });
          }
          break;
        case 'ListRef': {
          const listed = this.expandList(entry.name, file, entry);
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
    if (this.expanding.includes(name)) {
      const chain = [...this.expanding.slice(this.expanding.indexOf(name)), name].map((n) => `@${n}`).join(' → ');
      this.ctx.error(file, at.range, `list reference cycle: ${chain}`);
      return [];
    }
    const cached = this.expanded.get(name);
    if (cached) return cached;
    const items = this.reused(list) ?? this.resolveList(name, list);
    this.expanded.set(name, items);
    return items;
  }

  private resolveList(name: string, list: Located<ListDecl>): AddressItem[] {
    this.expanding.push(name);
    // An entry keeps the name of the innermost list that holds it: that is where to edit it
    // (items of nested lists already carry theirs).
    const items = this.resolveEntries(list.node.entries, list.file, `list '${name}'`, true, name);
    this.expanding.pop();
    // A list without references resolves from its own node alone, without diagnostics (a
    // list takes domains, and invalid values were reported by the parser): keep its items.
    if (this.reuse && !list.node.entries.some((e) => e.kind === 'ListRef')) {
      this.reuse.resolvedLists.set(list.node, { configPath: this.ctx.configPathOf(list.file), items });
    }
    return items;
  }

  /** The items an earlier check made for this very list node, their sources recorded again. */
  private reused(list: Located<ListDecl>): AddressItem[] | undefined {
    const earlier = this.reuse?.resolvedLists.get(list.node);
    if (!earlier || earlier.configPath !== this.ctx.configPathOf(list.file)) return undefined;
    const { entries } = list.node;
    // Items were made in entry order, one for each entry with a value.
    let next = 0;
    for (const entry of entries) {
      const made = ((entry.kind === 'Cidr' || entry.kind === 'Mask') && entry.value) || (entry.kind === 'Domain' && entry.domain?.value);
      if (made) this.ctx.adoptSource(list.file, entry, earlier.items[next++]!.source);
    }
    return earlier.items;
  }
}
