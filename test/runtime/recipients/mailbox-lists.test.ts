// The mailbox lists the server reads for its recipient lists: the file format (bad lines
// named by file, line and column), credential stores as mailbox sources, and reloads that
// follow the files and keep the last good mailboxes when a file goes bad.
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { RecipientsConfig } from '../../../runtime/config/types.js';
import { MailboxFileError, MailboxLists, parseMailboxFile } from '../../../runtime/recipients/index.js';
import { tempDir } from '../../helpers/server-fixture.js';
import { waitFor } from '../delivery/helpers/smarthost-fixture.js';

const list = (domain: string, mailboxes: RecipientsConfig['mailboxes']): RecipientsConfig => ({ domain, mailboxes, aliases: [], catchAll: false, source: 'p.smtppolicy:1:1' });

describe('mailbox list files', () => {
  test('addresses and bare local parts, comments and blank lines; local parts compare lower-case NFC', () => {
    const entries = parseMailboxFile('# staff\n\nAlice@Example.TEST\n  bob  \nJose\u0301@example.test\r\n', 'm');
    assert.deepEqual(entries.map((e) => [e.localPart, e.domain, e.line]), [
      ['alice', 'example.test', 3],
      ['bob', null, 4],
      ['jos\u00e9', 'example.test', 5],
    ]);
  });

  test('every bad line is an error with its file, line and column', () => {
    assert.throws(
      () => parseMailboxFile('alice@example.test\n  two words\n@example.test\nbob@bad_domain\n', 'lists/m'),
      (error: unknown) => {
        assert.ok(error instanceof MailboxFileError);
        assert.deepEqual(error.message.split('\n').map((line) => line.replace(/, found .*?: /, ': ')), [
          'lists/m:2:3: expected an address like alice@example.com or a local part like alice: one mailbox a line, without spaces',
          'lists/m:3:1: expected an address like alice@example.com or a local part like alice: the local part is empty',
          'lists/m:4:1: expected an address like alice@example.com or a local part like alice: the domain is not a valid host name',
        ]);
        return true;
      },
    );
  });
});

describe('MailboxLists', () => {
  test('a domain takes its own addresses and the bare local parts of a shared file, and the users of a store', async (t) => {
    const dir = tempDir(t);
    writeFileSync(join(dir, 'shared'), 'alice@a.test\nbob@b.test\nfrontdesk\n');
    writeFileSync(join(dir, 'staff.passwd'), 'carol@a.test:token$sha256$AAAA\nrelay:token$sha256$AAAA\ndave@b.test:token$sha256$AAAA\n');
    const lists = new MailboxLists(
      [list('a.test', [{ kind: 'file', file: 'shared', source: 'p:2:1' }, { kind: 'users', userStore: 'staff', source: 'p:3:1' }]), list('b.test', [{ kind: 'file', file: 'shared', source: 'p:4:1' }])],
      [{ name: 'staff', file: 'staff.passwd', source: 'p:1:1' }],
      dir,
    );
    await lists.load();
    assert.deepEqual(['alice', 'bob', 'frontdesk', 'carol', 'dave', 'relay'].filter((m) => lists.has('a.test', m)), ['alice', 'frontdesk', 'carol']);
    assert.deepEqual(['alice', 'bob', 'frontdesk', 'carol', 'dave'].filter((m) => lists.has('b.test', m)), ['bob', 'frontdesk']);
  });

  test('a missing file stops the load, naming the file', async (t) => {
    const dir = tempDir(t);
    const lists = new MailboxLists([list('a.test', [{ kind: 'file', file: 'gone', source: 'p:2:1' }])], [], dir);
    await assert.rejects(lists.load(), new RegExp(`mailboxes file gone: cannot read ${join(dir, 'gone').replace(/[/\\]/g, '.')}: ENOENT`));
  });

  test('a changed file is read again; a broken one keeps the previous mailboxes and reports why', async (t) => {
    const dir = tempDir(t);
    const file = join(dir, 'mailboxes');
    writeFileSync(file, 'alice@a.test\n');
    const failures: string[] = [];
    const lists = new MailboxLists([list('a.test', [{ kind: 'file', file: 'mailboxes', source: 'p:2:1' }])], [], dir, {
      reloadFailed: (error) => failures.push(error.message),
      loaded: () => {},
    });
    await lists.load();
    lists.watch(20);
    t.after(() => lists.close());
    assert.equal(lists.has('a.test', 'bob'), false);
    writeFileSync(file, 'alice@a.test\nbob@a.test\n');
    await waitFor('bob to be read', async () => lists.has('a.test', 'bob') || undefined);
    writeFileSync(file, 'alice@a.test\nnot an address\n');
    await waitFor('the failed reload', async () => failures.length > 0 || undefined);
    assert.match(failures[0]!, /mailboxes:2:1: expected an address/);
    assert.equal(lists.has('a.test', 'bob'), true, 'the last good list stays in force');
    rmSync(file);
    await waitFor('the failed reload of a deleted file', async () => failures.length > 1 || undefined);
    assert.equal(lists.has('a.test', 'alice'), true);
  });
});
