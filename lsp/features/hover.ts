// Hover: what the thing under the cursor means. Keywords get their documentation, address
// ranges what they cover, list references their resolved entries, and a finding's range
// the summary of the rule that reported it.

import type { Hover } from 'vscode-languageserver';
import { MarkupKind } from 'vscode-languageserver';
import { type CidrValue, describeKeyword, type HostPort, type KeywordContext, keywordInfo, nodesAt, type RangedNode, SEMANTIC, SYNTAX } from '../../grammar/index.js';
import type { PolicyContext } from '../document-store.js';
import type { RuleCatalog } from '../rule-catalog.js';
import { toLspRange, rangeTouches } from '../convert.js';
import { PolicyIndex } from '../policy-index.js';
import { rangeHoverLines } from './address-info.js';
import { entryText } from './entry-text.js';
import { listenHoverLines } from './listen-info.js';

const MAX_LIST_ENTRIES = 40;

export function hover(context: PolicyContext, offset: number, rules: RuleCatalog): Hover | null {
  const chain = nodesAt(context.current.ast, offset);
  const node = chain[chain.length - 1];
  const sections: string[] = [];
  let range = node && node.kind !== 'File' ? node.range : undefined;

  if (node) {
    const lines = describeNode(node, chain, context);
    if (lines.length) sections.push(lines.join('\n'));
    else range = undefined;
  }

  for (const d of context.diagnostics) {
    if (d.ruleId === SYNTAX || d.ruleId === SEMANTIC || !rangeTouches(d.range, offset)) continue;
    const rule = rules.get(d.ruleId);
    const link = rules.docsUrl(d.ruleId);
    const title = link ? `[\`${d.ruleId}\`](${link})` : `\`${d.ruleId}\``;
    sections.push(`${title}: ${rule?.description ?? d.message}`);
    range ??= d.range;
  }
  if (sections.length === 0) return null;
  return {
    contents: { kind: MarkupKind.Markdown, value: sections.join('\n\n---\n\n') },
    ...(range ? { range: toLspRange(range) } : {}),
  };
}

function describeNode(node: RangedNode, chain: readonly RangedNode[], context: PolicyContext): string[] {
  const parent = chain[chain.length - 2];
  switch (node.kind) {
    case 'Keyword': {
      const text = String(node.text);
      const description = describeKeyword(text, keywordContext(text, chain));
      return description ? [`**${text}**: ${description}`] : [];
    }
    case 'Cidr':
    case 'Mask': {
      const value = node.value as CidrValue | null;
      return value ? rangeHoverLines(value) : [];
    }
    case 'ListRef':
      return listLines(String(node.name), context);
    case 'Name': {
      if (parent?.kind === 'List') return listLines(String(node.text), context);
      const index = new PolicyIndex(context.related);
      const store = parent?.kind === 'UserStore' || chain.some((n) => n.kind === 'AuthMethod') ? index.userStores.get(String(node.text)) : undefined;
      if (store) return [`**users ${String(node.text)}**: credential store${store.node.file ? ` read from \`${store.node.file.value}\`` : ''}`];
      return [];
    }
    case 'Domain': {
      const domain = (node.domain as { value?: string | null } | undefined)?.value;
      return domain
        ? [`**domain ${domain}**: clients whose reverse DNS name is \`${domain}\` or ends in \`.${domain}\`, confirmed by a forward lookup; costs a DNS lookup per connection.`]
        : [];
    }
    case 'HostPort':
      return parent?.kind === 'ListenEndpoint' ? listenHoverLines(node as unknown as HostPort, parent.implicitTls !== undefined) : [];
    default:
      // Parts without their own hover (the text of a mask entry's address, the name of a
      // domain entry) defer to their entry.
      if (parent && (parent.kind === 'Mask' || parent.kind === 'Cidr' || parent.kind === 'Domain')) return describeNode(parent, chain.slice(0, -1), context);
      return [];
  }
}

function listLines(name: string, context: PolicyContext): string[] {
  const index = new PolicyIndex(context.related);
  const declared = index.lists.get(name);
  if (!declared) return [`**@${name}**: no list of this name is declared`];
  const entries = index.expandList(name);
  const where = `${declared.file.displayName}:${declared.node.range.start.line}`;
  const lines = [`**list ${name}** (${where}): ${entries.length} ${entries.length === 1 ? 'entry' : 'entries'}`];
  for (const { entry, from } of entries.slice(0, MAX_LIST_ENTRIES)) {
    lines.push(`- \`${entryText(entry)}\`${from !== name ? ` (from @${from})` : ''}`);
  }
  if (entries.length > MAX_LIST_ENTRIES) lines.push(`- … and ${entries.length - MAX_LIST_ENTRIES} more`);
  return lines;
}

/** Which context a keyword is used in, for keywords whose meaning depends on it. */
function keywordContext(text: string, chain: readonly RangedNode[]): KeywordContext | undefined {
  const info = keywordInfo(text);
  if (!info || info.contexts.length === 1) return info?.contexts[0];
  const kinds = new Set(chain.map((n) => n.kind));
  const prefer = (context: KeywordContext, when: boolean) => (when && info.contexts.includes(context) ? context : undefined);
  return (
    prefer('limits', kinds.has('LimitSetting')) ??
    prefer('admin', kinds.has('Admin')) ??
    prefer('smarthost-tls', kinds.has('SmarthostTls') && text !== 'tls') ??
    prefer('smarthost', kinds.has('Smarthost') || kinds.has('RelayTo')) ??
    prefer('password', kinds.has('SmarthostPassword')) ??
    prefer('user-store', kinds.has('UserStore')) ??
    prefer('mailboxes', kinds.has('Mailboxes')) ??
    prefer('auth-method', kinds.has('AuthMethod')) ??
    info.contexts[0]
  );
}
