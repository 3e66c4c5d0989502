// A server's `recipients DOMAIN { … }` blocks → RecipientsConfig: which mailboxes, aliases
// and catch-all each local domain has. What is wrong with one block on its own (a domain
// that is not local, a second block for a domain, an unknown user store, an alias written
// twice) is a semantic error here; what is wrong between aliases (loops) and with the
// files on disk is lint's (compiler/rules/alias-loop.ts, mailbox-file-not-found.ts).

import type { Alias, RecipientsBlock } from '../grammar/ast.js';
import { parseAliasTarget, parseLocalPart } from '../grammar/mail-address.js';
import type { AliasConfig, DomainItem, MailboxSource, RecipientsConfig } from '../runtime/config/types.js';
import type { ResolveContext } from './resolve-context.js';
import type { SourceFile } from './source-set.js';
import { didYouMean } from './suggest.js';

export interface RecipientsScope {
  ctx: ResolveContext;
  userStoreNames: ReadonlySet<string>;
  serverName: string;
  localDomains: readonly DomainItem[];
}

export function resolveRecipients(scope: RecipientsScope, file: SourceFile, blocks: readonly RecipientsBlock[]): RecipientsConfig[] {
  const { ctx } = scope;
  const local = new Set(scope.localDomains.map((item) => item.domain));
  const seen = new Map<string, RecipientsBlock>();
  const lists: RecipientsConfig[] = [];
  for (const block of blocks) {
    const domain = block.domain?.value;
    if (!domain) continue; // the parser reported it
    if (!local.has(domain)) {
      ctx.error(file, block.domain!.range, `recipients for '${domain}', which is not a local domain of server '${scope.serverName}': add it to local-domains, or remove this block`);
      continue;
    }
    const first = seen.get(domain);
    if (first) {
      ctx.error(file, block.domain!.range, `'${domain}' already has a recipients block at line ${first.range.start.line}; write its mailboxes and aliases in one block`, [
        ctx.related(file, first.range, `first recipients block for ${domain}`),
      ]);
      continue;
    }
    seen.set(domain, block);
    lists.push(resolveBlock(scope, file, block, domain, local));
  }
  return lists;
}

function resolveBlock(scope: RecipientsScope, file: SourceFile, block: RecipientsBlock, domain: string, local: ReadonlySet<string>): RecipientsConfig {
  const { ctx } = scope;
  const mailboxes: MailboxSource[] = [];
  const aliases: AliasConfig[] = [];
  const aliasLines = new Map<string, number>();
  let catchAll: { line: number } | undefined;
  for (const setting of block.settings) {
    switch (setting.kind) {
      case 'Mailboxes': {
        const source = setting.source;
        if (source?.kind === 'MailboxFile' && source.path) {
          mailboxes.push({ kind: 'file', file: ctx.path(file, source.path), source: ctx.source(file, setting) });
        } else if (source?.kind === 'MailboxUsers' && source.store) {
          const name = source.store.text;
          // a directory store's mailboxes are its entries' addresses, asked per recipient (runtime/recipients)
          if (scope.userStoreNames.has(name)) mailboxes.push({ kind: 'users', userStore: name, source: ctx.source(file, setting) });
          else ctx.error(file, source.store.range, `unknown user store '${name}'${didYouMean(name, scope.userStoreNames)}`);
        }
        break;
      }
      case 'Alias': {
        const alias = resolveAlias(scope, file, setting, domain, local);
        if (!alias) break;
        const firstLine = aliasLines.get(alias.localPart);
        if (firstLine !== undefined) {
          ctx.error(file, setting.name!.range, `alias '${alias.localPart}' is already defined at line ${firstLine}; list all its targets there`);
          break;
        }
        aliasLines.set(alias.localPart, setting.range.start.line);
        aliases.push(alias);
        break;
      }
      case 'CatchAll':
        if (catchAll) ctx.error(file, setting.keyword.range, `catch-all is already set at line ${catchAll.line}; write it once`);
        catchAll ??= { line: setting.range.start.line };
        break;
    }
  }
  return { domain, mailboxes, aliases, catchAll: catchAll !== undefined, source: ctx.source(file, block) };
}

/** An alias with its targets as full addresses; undefined when a part is invalid (the parser reported it). */
function resolveAlias(scope: RecipientsScope, file: SourceFile, alias: Alias, domain: string, local: ReadonlySet<string>): AliasConfig | undefined {
  if (!alias.name) return undefined;
  const localPart = parseLocalPart(alias.name.value);
  if (!localPart.ok) return undefined;
  const targets: string[] = [];
  for (const target of alias.targets) {
    const parsed = parseAliasTarget(target.value, domain);
    if (!parsed.ok) return undefined;
    const address = parsed.value.address;
    const at = address.lastIndexOf('@');
    // a local mailbox compares lower-case; a remote local part is the other server's business
    const targetDomain = address.slice(at + 1);
    const normal = local.has(targetDomain) ? `${address.slice(0, at).toLowerCase()}@${targetDomain}` : address;
    if (targets.includes(normal)) {
      scope.ctx.error(file, target.range, `'${target.value}' is already a target of alias '${localPart.value}'`);
      continue;
    }
    targets.push(normal);
  }
  if (targets.length === 0) return undefined;
  return { localPart: localPart.value, targets, source: scope.ctx.source(file, alias) };
}
