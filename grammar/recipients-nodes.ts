// CST → AST for the `recipients DOMAIN { … }` block of a server: its mailbox sources, its
// aliases and `catch-all`. Defensive like the rest of CST→AST: a recovered node may lack
// any child. Values are checked here (a local part, an address), so that a bad one is an
// error at its own string; what they mean together (loops, unknown stores) is the
// compiler's and lint's.

import type { CstNode } from 'chevrotain';
import type * as Ast from './ast.js';
import type { CstContext } from './cst-context.js';
import { parseAliasTarget, parseLocalPart } from './mail-address.js';
import { settingNode } from './setting-nodes.js';
import { settingRuleNamed } from './setting-rules.js';
import { domainValue } from './value-nodes.js';

export function recipientsBlock(ctx: CstContext, node: CstNode): Ast.RecipientsBlock | undefined {
  const kw = ctx.token(node, 'Recipients');
  if (!kw) return undefined;
  const result: Ast.RecipientsBlock = { kind: 'Recipients', keyword: ctx.keyword(kw), settings: [], range: ctx.nodeRange(node, kw) };
  const domain = ctx.token(node, 'domain');
  if (domain) result.domain = domainValue(ctx, domain, { expected: 'a local domain like contoso.example' });
  else ctx.missing('a local domain like contoso.example', kw);
  for (const wrapper of ctx.nodes(node, 'recipientsSetting')) {
    const child = ctx.onlyChild(wrapper);
    const setting = child && recipientsSetting(ctx, child, result.domain?.value ?? null);
    if (setting) result.settings.push(setting);
  }
  return result;
}

function recipientsSetting(ctx: CstContext, node: CstNode, domain: string | null): Ast.RecipientsSetting | undefined {
  switch (node.name) {
    case 'mailboxesSetting':
      return mailboxes(ctx, node);
    case 'aliasSetting':
      return alias(ctx, node, domain);
    default: {
      const rule = settingRuleNamed(node.name);
      return rule ? (settingNode(ctx, node, rule) as Ast.CatchAll | undefined) : undefined;
    }
  }
}

function mailboxes(ctx: CstContext, node: CstNode): Ast.Mailboxes | undefined {
  const kw = ctx.token(node, 'Mailboxes');
  if (!kw) return undefined;
  const result: Ast.Mailboxes = { kind: 'Mailboxes', keyword: ctx.keyword(kw), range: ctx.nodeRange(node, kw) };
  const file = ctx.token(node, 'File');
  const users = ctx.token(node, 'Users');
  if (file) {
    const path = ctx.token(node, 'StringLiteral');
    const source: Extract<NonNullable<Ast.Mailboxes['source']>, { kind: 'MailboxFile' }> = {
      kind: 'MailboxFile',
      keyword: ctx.keyword(file),
      range: path ? ctx.spanRange({ range: ctx.tokenRange(file) }, { range: ctx.tokenRange(path) }) : ctx.tokenRange(file),
    };
    if (path) source.path = ctx.string(path);
    result.source = source;
  } else if (users) {
    const store = ctx.token(node, 'Word');
    const source: Extract<NonNullable<Ast.Mailboxes['source']>, { kind: 'MailboxUsers' }> = {
      kind: 'MailboxUsers',
      keyword: ctx.keyword(users),
      range: store ? ctx.spanRange({ range: ctx.tokenRange(users) }, { range: ctx.tokenRange(store) }) : ctx.tokenRange(users),
    };
    if (store) source.store = ctx.referencedName(store, 'a user store name');
    result.source = source;
  } else {
    ctx.missing(`'file "PATH"' (a mailbox list) or 'users STORE' (a credential store's users)`, kw);
  }
  return result;
}

function alias(ctx: CstContext, node: CstNode, domain: string | null): Ast.Alias | undefined {
  const kw = ctx.token(node, 'Alias');
  if (!kw) return undefined;
  const result: Ast.Alias = { kind: 'Alias', keyword: ctx.keyword(kw), targets: [], range: ctx.nodeRange(node, kw) };
  const name = ctx.token(node, 'name');
  if (name) {
    result.name = ctx.string(name);
    const local = parseLocalPart(result.name.value, 'the alias\'s local part like "sales"');
    if (!local.ok) ctx.semantic(local.message, result.name.range);
  } else {
    ctx.missing('the alias\'s local part, quoted, like "sales"', kw);
  }
  const to = ctx.token(node, 'To');
  if (to) result.to = ctx.keyword(to);
  for (const token of ctx.tokens(node, 'target')) {
    const target = ctx.string(token);
    const parsed = parseAliasTarget(target.value, domain);
    if (!parsed.ok) ctx.semantic(parsed.message, target.range);
    result.targets.push(target);
  }
  return result;
}
