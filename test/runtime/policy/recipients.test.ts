// What a local domain's recipient list means (runtime/policy/recipients.ts through
// decideRcpt): mailboxes, aliases that fan out locally and outside, catch-all, the
// postmaster, unknown recipients refused at RCPT, and loops broken with one delivery.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AliasConfig, RecipientsConfig } from '../../../runtime/config/types.js';
import { decideRcpt, formatReply, type MailboxDirectory, type SessionFacts } from '../../../runtime/policy/index.js';
import { domainItem, src } from '../fixtures/config-builder.js';
import { compiledServer } from './helpers.js';

const alias = (localPart: string, targets: string[], line: number): AliasConfig => ({ localPart, targets, source: src(line, 5) });

function list(domain: string, overrides: Partial<RecipientsConfig> = {}): RecipientsConfig {
  return { domain, mailboxes: [{ kind: 'file', file: 'mailboxes', source: src(20, 5) }], aliases: [], catchAll: false, source: src(19, 3), ...overrides };
}

/** The mailboxes a server would have read: `domain → local parts`. */
function directory(entries: Record<string, string[]>): MailboxDirectory {
  return { has: (domain, localPart) => entries[domain]?.includes(localPart) ?? false };
}

const server = compiledServer({
  localDomains: [domainItem('example.test', src(10, 3)), domainItem('other.test', src(10, 20)), domainItem('open.test', src(10, 35))],
  recipients: [
    list('example.test', {
      aliases: [
        alias('sales', ['alice@example.test', 'bob@partner.example'], 21),
        alias('team', ['sales@example.test', 'carol@other.test', 'alice@example.test'], 22),
        alias('loop-a', ['loop-b@example.test'], 23),
        alias('loop-b', ['loop-a@example.test', 'alice@example.test'], 24),
        alias('keep', ['keep@example.test', 'bob@example.test'], 25),
        alias('ghosts', ['nobody@example.test', 'alice@example.test'], 26),
        alias('all-ghosts', ['nobody@example.test'], 27),
      ],
    }),
    list('other.test', { mailboxes: [], catchAll: true }),
  ],
});
const mailboxes = directory({ 'example.test': ['alice', 'bob', 'keep'] });
const outside = (rcptTo: string, extra: Partial<SessionFacts> = {}): SessionFacts => ({
  clientAddress: '198.51.100.20', reverseDns: { status: 'none' }, rcptTo, mailboxes, ...extra,
});

describe('recipient lists', () => {
  test('a listed mailbox is accepted, in any case, and delivered to itself', () => {
    const decision = decideRcpt(server, outside('Alice@Example.test'));
    assert.equal(formatReply(decision.reply), '250 2.1.5 Ok');
    assert.equal(decision.route, 'local');
    assert.equal(decision.targets, undefined, 'no alias: delivered to the recipient as given');
    assert.match(decision.trace.at(-1)!.result, /a mailbox \(mailboxes file mailboxes\)/);
  });

  test('an unknown local part is refused at RCPT with 550 5.1.1, naming the list that decided', () => {
    const decision = decideRcpt(server, outside('someone@example.test'));
    assert.equal(decision.decision, 'refuse');
    assert.equal(formatReply(decision.reply), '550 5.1.1 <someone@example.test>: Recipient address rejected: User unknown in local recipient table');
    assert.equal(decision.trace.at(-1)!.source, src(19, 3));
  });

  test('an alias fans out to a local mailbox and an outside address, even for a client that may not relay', () => {
    const decision = decideRcpt(server, outside('sales@example.test'));
    assert.equal(decision.decision, 'accept');
    assert.deepEqual(decision.targets, [
      { address: 'alice@example.test', route: 'local' },
      { address: 'bob@partner.example', route: 'relay' },
    ]);
    assert.equal(decideRcpt(server, outside('bob@partner.example')).decision, 'refuse', 'the outside address named directly is relaying, refused');
  });

  test('nested aliases expand, and a mailbox reached along two paths is delivered once', () => {
    const decision = decideRcpt(server, outside('team@example.test'));
    assert.deepEqual(decision.targets, [
      { address: 'alice@example.test', route: 'local' },
      { address: 'bob@partner.example', route: 'relay' },
      { address: 'carol@other.test', route: 'local' },
    ]);
    assert.equal(decision.aliasLoops, undefined);
  });

  test('a loop is broken: the address that closes it is delivered once, and the loop is reported', () => {
    const decision = decideRcpt(server, outside('loop-a@example.test'));
    assert.equal(decision.decision, 'accept');
    assert.deepEqual(decision.targets, [
      { address: 'loop-a@example.test', route: 'local' },
      { address: 'alice@example.test', route: 'local' },
    ]);
    assert.deepEqual(decision.aliasLoops, [['loop-a@example.test', 'loop-b@example.test', 'loop-a@example.test']]);
  });

  test('an alias that names itself keeps a copy: no loop', () => {
    const decision = decideRcpt(server, outside('keep@example.test'));
    assert.deepEqual(decision.targets, [
      { address: 'keep@example.test', route: 'local' },
      { address: 'bob@example.test', route: 'local' },
    ]);
    assert.equal(decision.aliasLoops, undefined);
  });

  test('an alias target that is no mailbox is left out; with none left the alias is unknown', () => {
    const some = decideRcpt(server, outside('ghosts@example.test'));
    assert.deepEqual(some.targets, [{ address: 'alice@example.test', route: 'local' }]);
    assert.deepEqual(some.unknownTargets, ['nobody@example.test']);
    const none = decideRcpt(server, outside('all-ghosts@example.test'));
    assert.equal(formatReply(none.reply), '550 5.1.1 <all-ghosts@example.test>: Recipient address rejected: User unknown in local recipient table');
  });

  test('catch-all accepts any local part; a domain without a list accepts any local part too', () => {
    assert.equal(decideRcpt(server, outside('whoever@other.test')).decision, 'accept');
    const open = decideRcpt(server, outside('whoever@open.test'));
    assert.equal(open.decision, 'accept');
    assert.equal(open.trace.at(-1)!.result, 'none: any local part is accepted');
  });

  test('the postmaster of a listed domain is accepted without being a mailbox, and the bare postmaster too', () => {
    assert.equal(decideRcpt(server, outside('postmaster@example.test')).decision, 'accept');
    const bare = decideRcpt(server, outside('postmaster'));
    assert.equal(bare.decision, 'accept');
    assert.equal(bare.deliverTo, 'postmaster@example.test');
  });

  test('mailbox lists that were not read: a temporary refusal, never a guess', () => {
    const decision = decideRcpt(server, outside('alice@example.test', { mailboxes: undefined }));
    assert.equal(decision.decision, 'tempfail');
    assert.equal(formatReply(decision.reply), '451 4.3.0 <alice@example.test>: Recipient address rejected: the mailbox lists were not read; try again later');
    assert.equal(decideRcpt(server, outside('whoever@other.test', { mailboxes: undefined })).decision, 'accept', 'catch-all needs no list');
  });

  describe('directory groups and outages (a MailboxDirectory as runtime/recipients answers for a directory store)', () => {
    // `staff@` is a group of alice, an outside address and `ops@`, itself a group of bob and
    // of staff (a loop); `empty@` a group without members; `dave@` cannot be told (down)
    const groups: Record<string, string[]> = {
      staff: ['alice@example.test', 'eve@partner.example', 'ops@example.test'],
      ops: ['bob@example.test', 'staff@example.test'],
      empty: [],
      sales: ['nobody@example.test'],
    };
    const fromDirectory: MailboxDirectory = {
      has: (domain, localPart) => (domain !== 'example.test' ? false : localPart === 'dave' ? undefined : ['alice', 'bob', 'keep'].includes(localPart)),
      groupMembers: (domain, localPart) => (domain === 'example.test' ? groups[localPart] : undefined),
      unavailable: (domain) => (domain === 'example.test' ? 'staff' : undefined),
    };
    const facts = (rcptTo: string) => outside(rcptTo, { mailboxes: fromDirectory });

    test('a group forwards to its members, nested groups expanded, a loop delivered once', () => {
      const decision = decideRcpt(server, facts('staff@example.test'));
      assert.equal(formatReply(decision.reply), '250 2.1.5 Ok');
      assert.deepEqual(decision.targets?.map((t) => `${t.route}:${t.address}`), [
        'local:alice@example.test', 'relay:eve@partner.example', 'local:bob@example.test', 'local:staff@example.test',
      ]);
      assert.deepEqual(decision.aliasLoops, [['staff@example.test', 'ops@example.test', 'staff@example.test']]);
      assert.ok(decision.trace.some((step) => step.step === 'staff@example.test is a directory group (mailboxes file mailboxes)'));
    });

    test('an alias in the policy wins over a group with the same address', () => {
      const decision = decideRcpt(server, facts('sales@example.test'));
      assert.deepEqual(decision.targets?.map((t) => t.address), ['alice@example.test', 'bob@partner.example']);
    });

    test('a group without members is no recipient: 550 5.1.1', () => {
      assert.equal(decideRcpt(server, facts('empty@example.test')).reply.code, 550);
    });

    test('a directory that did not answer defers with 451 4.4.3, never 550 and never 250', () => {
      const decision = decideRcpt(server, facts('dave@example.test'));
      assert.equal(decision.decision, 'tempfail');
      assert.equal(formatReply(decision.reply), '451 4.4.3 <dave@example.test>: Recipient address rejected: the directory did not answer; try again later');
      assert.match(decision.trace.at(-1)!.result, /cannot tell: the directory of user store 'staff' did not answer/);
    });
  });
});
