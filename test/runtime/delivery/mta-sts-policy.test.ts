// The text side of MTA-STS (RFC 8461): the TXT record, the policy file, the mx patterns.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_AGE_LIMIT_SECONDS, mxMatchesPolicy, parseStsPolicy, parseStsRecord, type MtaStsPolicy } from '../../../runtime/delivery/mta-sts-policy.js';

describe('the _mta-sts TXT record', () => {
  it('gives the id of the one STSv1 record', () => {
    assert.equal(parseStsRecord([['v=STSv1; id=20160831085700Z;']]), '20160831085700Z');
    assert.equal(parseStsRecord([['v=STSv1; ', 'id=abc']]), 'abc', 'a record split in strings is joined');
    assert.equal(parseStsRecord([['v=spf1 -all'], ['v=STSv1; id=1']]), '1', 'other TXT records are ignored');
  });

  it('means no policy when there is none, two, or an invalid id', () => {
    assert.equal(parseStsRecord([]), null);
    assert.equal(parseStsRecord([['v=STSv1; id=1'], ['v=STSv1; id=2']]), null);
    assert.equal(parseStsRecord([['v=STSv1; id=not-alnum!']]), null);
    assert.equal(parseStsRecord([['v=STSv1']]), null);
  });
});

describe('the policy file', () => {
  it('reads version, mode, every mx and max_age, with CRLF or LF', () => {
    assert.deepEqual(parseStsPolicy('version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.Example.NET.\r\nmax_age: 86400\r\n'), {
      mode: 'enforce',
      mx: ['mail.example.com', '*.example.net'],
      maxAgeSeconds: 86400,
    });
    assert.deepEqual(parseStsPolicy('version: STSv1\nmode: none\nmax_age: 9999999999\nextension: ignored\n'), { mode: 'none', mx: [], maxAgeSeconds: MAX_AGE_LIMIT_SECONDS });
  });

  it('refuses what a sender must not act on, saying why', () => {
    assert.match((parseStsPolicy('version: STSv2\nmode: enforce\nmx: a.example\nmax_age: 1\n') as { error: string }).error, /version is "STSv2"/);
    assert.match((parseStsPolicy('version: STSv1\nmode: strict\nmx: a.example\nmax_age: 1\n') as { error: string }).error, /mode is "strict"/);
    assert.match((parseStsPolicy('version: STSv1\nmode: enforce\nmax_age: 1\n') as { error: string }).error, /without any mx pattern/);
    assert.match((parseStsPolicy('version: STSv1\nmode: enforce\nmx: a.example\n') as { error: string }).error, /max_age is null/);
    assert.match((parseStsPolicy('<html>moved</html>') as { error: string }).error, /not a 'key: value' line/);
  });
});

describe('mx patterns', () => {
  const policy: MtaStsPolicy = { mode: 'enforce', mx: ['mail.example.com', '*.example.net'], maxAgeSeconds: 1 };
  it('match a name exactly, or one label in place of the *', () => {
    assert.equal(mxMatchesPolicy('MAIL.example.com.', policy), true);
    assert.equal(mxMatchesPolicy('mx1.example.net', policy), true);
  });
  it('do not match a parent, a deeper name or another name', () => {
    assert.equal(mxMatchesPolicy('example.net', policy), false);
    assert.equal(mxMatchesPolicy('a.b.example.net', policy), false);
    assert.equal(mxMatchesPolicy('mail.example.org', policy), false);
  });
});
