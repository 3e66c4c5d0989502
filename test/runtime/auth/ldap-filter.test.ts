// The login inside a directory store's filter (RFC 4515 escaping) and what its URL says
// about cleartext: pure functions, checked on the cases that matter for injection and TLS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeFilterValue, userFilter } from '../../../runtime/auth/ldap-filter.js';
import { cleartextProblem, parseLdapUrl } from '../../../runtime/auth/ldap-url.js';

test('a login is one assertion value: every filter metacharacter is escaped (RFC 4515 3)', () => {
  assert.equal(escapeFilterValue('alice'), 'alice');
  assert.equal(escapeFilterValue('*'), '\\2a');
  assert.equal(escapeFilterValue('*)(uid=*'), '\\2a\\29\\28uid=\\2a');
  assert.equal(escapeFilterValue('a\\b\0c'), 'a\\5cb\\00c');
  // UTF-8 is valid in an assertion value and stays as it is
  assert.equal(escapeFilterValue('jürgen'), 'jürgen');
});

test('every {login} of the filter gets the escaped login, nothing else changes', () => {
  assert.equal(userFilter('(|(uid={login})(mail={login}))', 'a*'), '(|(uid=a\\2a)(mail=a\\2a))');
  assert.equal(userFilter('(&(objectClass=person)(uid={login}))', 'x)(objectClass=*'), '(&(objectClass=person)(uid=x\\29\\28objectClass=\\2a))');
});

test('a URL is ldap:// or ldaps://, a host and a port; loopback only by address', () => {
  assert.deepEqual(parseLdapUrl('ldaps://dc.example.com'), { ldaps: true, host: 'dc.example.com', port: 636, loopback: false });
  assert.deepEqual(parseLdapUrl('ldap://127.3.4.5:3890/'), { ldaps: false, host: '127.3.4.5', port: 3890, loopback: true });
  assert.deepEqual(parseLdapUrl('ldap://[::1]'), { ldaps: false, host: '::1', port: 389, loopback: true });
  assert.equal((parseLdapUrl('ldap://localhost') as { loopback: boolean }).loopback, false);
  assert.ok('error' in parseLdapUrl('https://dc.example.com'));
  assert.ok('error' in parseLdapUrl('ldap://dc.example.com/dc=example,dc=com'));
  assert.ok('error' in parseLdapUrl('ldap://user:pw@dc.example.com'));
});

test('cleartext is allowed only for a loopback address the policy names as such', () => {
  const remote = parseLdapUrl('ldap://dc.example.com') as Exclude<ReturnType<typeof parseLdapUrl>, { error: string }>;
  const local = parseLdapUrl('ldap://127.0.0.1') as typeof remote;
  assert.equal(cleartextProblem(remote, true, false), null);
  assert.match(cleartextProblem(remote, false, true)!, /in clear/);
  assert.match(cleartextProblem(local, false, false)!, /cleartext-loopback/);
  assert.equal(cleartextProblem(local, false, true), null);
});
