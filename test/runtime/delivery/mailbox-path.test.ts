import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mailboxPathFor } from '../../../runtime/delivery/mailbox-path.js';

const root = '/var/mail/root';

test('ordinary addresses map to <root>/<domain>/<local-part>, lower-cased', () => {
  assert.deepEqual(mailboxPathFor(root, 'Alice.Smith+tag@Example.TEST'), {
    ok: true,
    path: '/var/mail/root/example.test/alice.smith+tag',
    domain: 'example.test',
    localPart: 'alice.smith+tag',
  });
  assert.equal(mailboxPathFor(root, "o'brien@example.test").ok, true);
});

test('addresses that could leave the mail root or confuse a file system are refused', () => {
  const refused = [
    '../etc@example.test', '..@example.test', '.@example.test', '.hidden@example.test', 'trailing.@example.test',
    'a..b@example.test', 'a/b@example.test', 'a\\b@example.test', 'nul\u0000@example.test', 'cr\r@example.test',
    'del\u007f@example.test', 'space x@example.test', '"quoted"@example.test', '☃@example.test', 'rtl\u202eoverride@example.test', 'zero\u200bwidth@example.test', '@example.test',
    'nobody@', 'no-at-sign', `${'a'.repeat(65)}@example.test`, `${'ü'.repeat(33)}@example.test`, 'x@..', 'x@../../etc', 'x@exa/mple.test',
    'x@[127.0.0.1]', 'x@-bad.test', `x@${'a'.repeat(64)}.test`,
  ];
  for (const address of refused) {
    const result = mailboxPathFor(root, address);
    assert.equal(result.ok, false, `${JSON.stringify(address)} must be refused`);
  }
  assert.equal(mailboxPathFor(root, `${'a'.repeat(64)}@example.test`).ok, true, '64 octets is the limit, inclusive');
});

test('SMTPUTF8 local parts: letters, marks and digits of any script, in normal form C and lower case', () => {
  const precomposed = mailboxPathFor(root, 'J\u00fcrgen@example.test');
  const decomposed = mailboxPathFor(root, 'ju\u0308rgen@example.test');
  assert.equal(precomposed.ok && precomposed.localPart, 'j\u00fcrgen');
  assert.deepEqual(decomposed, precomposed, 'both spellings name one mailbox');
  assert.equal(mailboxPathFor(root, '\u7528\u6237@example.test').ok, true);
  assert.equal(mailboxPathFor(root, `${'ü'.repeat(32)}@example.test`).ok, true, '64 octets of UTF-8 is the limit');
});
