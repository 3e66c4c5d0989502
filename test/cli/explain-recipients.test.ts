// `explain --rcpt` for a local domain with a recipient list: it reads the mailbox lists as
// the server does and shows the recipient decision (a mailbox and which list names it, an
// alias and where its copies go, a loop, an unknown name refused with 550 5.1.1); a list it
// cannot read is named, and what only that list could confirm is left undecided.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from './run-cli.js';

let dir: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'smtppolicy-explain-recipients-'));
  writeFileSync(join(dir, 'mailboxes'), 'alice@example.test\nbob\n');
  writeFileSync(join(dir, 'policy.smtppolicy'), `server mx {
  listen 10.0.0.25:25
  hostname mx.example.test
  local-domains example.test, lost.test
  recipients example.test {
    mailboxes file "mailboxes"
    alias "sales" to "alice", "carol@partner.example"
    alias "a" to "b"
    alias "b" to "a", "bob"
  }
  recipients lost.test {
    mailboxes file "missing.mailboxes"
  }
}
`);
});
after(() => rmSync(dir, { recursive: true, force: true }));

async function explain(rcpt: string, format: 'json' | 'pretty' = 'json') {
  const result = await runCli(['explain', 'policy.smtppolicy', '--client', '192.0.2.9', '--rcpt', rcpt, ...(format === 'json' ? ['--format', 'json'] : [])], { cwd: dir });
  assert.equal(result.code, 0, result.stderr);
  return result;
}

describe('explain: recipients', () => {
  it('a listed mailbox is accepted, and the trace names the list', async () => {
    const d = JSON.parse((await explain('alice@example.test')).stdout);
    assert.deepEqual([d.decision, d.reply, d.route], ['accept', '250 2.1.5 Ok', 'local']);
    assert.match(d.trace.at(-1).result, /a mailbox \(mailboxes file mailboxes\)/);
    assert.equal(d.trace.at(-1).source, 'policy.smtppolicy:5:3');
  });

  it('an unknown local part is refused at RCPT with the reply the client gets', async () => {
    const d = JSON.parse((await explain('nobody@example.test')).stdout);
    assert.deepEqual([d.decision, d.stage, d.reply], ['refuse', 'rcpt', '550 5.1.1 <nobody@example.test>: Recipient address rejected: User unknown in local recipient table']);
  });

  it('an alias shows where each copy goes; a loop shows its chain', async () => {
    const d = JSON.parse((await explain('sales@example.test')).stdout);
    assert.deepEqual(d.targets, [
      { address: 'alice@example.test', route: 'local' },
      { address: 'carol@partner.example', route: 'relay' },
    ]);
    const pretty = await explain('a@example.test', 'pretty');
    assert.match(pretty.stdout, /^deliver: {2}to a@example\.test \(Maildir\), bob@example\.test \(Maildir\)$/m);
    assert.match(pretty.stdout, /^loop: {5}a@example\.test → b@example\.test → a@example\.test \(delivered once, to a@example\.test\)$/m);
  });

  it('a list that cannot be read here is named, and a name only it could hold is not decided', async () => {
    const result = await explain('someone@lost.test');
    assert.match(result.stderr, /note: mailboxes file missing\.mailboxes: cannot read .*missing\.mailboxes: ENOENT/);
    const d = JSON.parse(result.stdout);
    assert.equal(d.decision, 'tempfail');
    assert.match(d.reply, /^451 4\.3\.0 /);
  });
});
