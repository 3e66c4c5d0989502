// The `recipients DOMAIN { … }` block of a server: its syntax tree, and the errors a user
// meets while writing one (missing pieces, local parts and addresses that cannot be).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse, type Alias, type Mailboxes, type RecipientsBlock, type ServerDecl } from '../../grammar/index.js';

function recipientsOf(text: string): RecipientsBlock[] {
  const server = parse(text, 'p.smtppolicy').ast.items[0] as ServerDecl;
  return server.settings.filter((s): s is RecipientsBlock => s.kind === 'Recipients');
}

function errors(body: string): string[] {
  return parse(`server mx {\n${body}\n}\n`, 'p.smtppolicy').diagnostics.map((d) => `${d.range.start.line}:${d.range.start.column} ${d.ruleId} ${d.message}`);
}

describe('recipients blocks', () => {
  it('read into a tree: domain, mailbox sources, aliases with their targets, catch-all', () => {
    const [block] = recipientsOf(`server mx {
  recipients Example.TEST {
    mailboxes file "lists/example"
    mailboxes users staff
    alias "sales" to "alice", "bob@partner.example"
    catch-all
  }
}
`);
    assert.equal(block?.domain?.value, 'example.test');
    assert.deepEqual(block?.settings.map((s) => s.kind), ['Mailboxes', 'Mailboxes', 'Alias', 'CatchAll']);
    const [file, users] = block!.settings as Mailboxes[];
    assert.deepEqual([file?.source?.kind, file?.source?.kind === 'MailboxFile' ? file.source.path?.value : undefined], ['MailboxFile', 'lists/example']);
    assert.deepEqual([users?.source?.kind, users?.source?.kind === 'MailboxUsers' ? users.source.store?.text : undefined], ['MailboxUsers', 'staff']);
    const alias = block!.settings[2] as Alias;
    assert.equal(alias.name?.value, 'sales');
    assert.deepEqual(alias.targets.map((t) => t.value), ['alice', 'bob@partner.example']);
    assert.equal(alias.to?.text, 'to');
  });

  it('missing pieces are syntax errors at the place they belong', () => {
    assert.deepEqual(errors('  recipients { catch-all }'), ["2:14 syntax expected a local domain like contoso.example after 'recipients', found '{'"]);
    assert.deepEqual(errors('  recipients a.test { mailboxes }'), ["2:33 syntax expected 'file \"PATH\"' (a mailbox list) or 'users STORE' (a credential store's users) after 'mailboxes', found '}'"]);
    assert.match(errors('  recipients a.test { alias "x" }')[0] ?? '', /^2:33 syntax .*'to'/);
    assert.match(errors('  recipients a.test { alias "x" to "a" "b" }')[0] ?? '', /expected ',' between list values/);
  });

  it('a local part or an address that cannot be is an error at its string', () => {
    assert.deepEqual(errors('  recipients a.test { alias "a b" to "c" }'), [
      `2:29 semantic expected the alias's local part like "sales", found 'a b': a local part holds letters, digits and ! # $ % & ' * + - = ? ^ _ \` { | } ~, with single dots between them`,
    ]);
    assert.deepEqual(errors('  recipients a.test { alias "x@a.test" to "c" }'), [
      `2:29 semantic expected the alias's local part like "sales", found 'x@a.test': write the local part alone, the domain is the recipients block's`,
    ]);
    assert.deepEqual(errors('  recipients a.test { alias "x" to "c@-bad.test" }').map((e) => e.replace(/:.*?semantic/, ' semantic')), [
      "2 semantic expected a domain name after '@' in 'c@-bad.test', found '-bad.test': labels hold letters, digits and '-', and do not start or end with '-'",
    ]);
  });
});
