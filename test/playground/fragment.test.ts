import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeFragment, encodeFragment } from '../../playground/fragment.js';

describe('the shared link (URL fragment)', () => {
  it('brings back any policy text and the explain form unchanged', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.option(fc.string({ minLength: 1 }), { nil: undefined }), (policy, client) => {
        const state = { policy, ...(client !== undefined ? { client } : {}) };
        assert.deepEqual(decodeFragment(encodeFragment(state)), state);
      }),
      { examples: [['server mx { relay { 0.0.0.0/0 } } # näive 📨\r\n', '2001:db8::1']] },
    );
  });

  it('carries the policy in base64url, which survives being pasted: no %-escapes, spaces or padding', () => {
    assert.match(encodeFragment({ policy: 'é ✉ {}\n', client: '192.0.2.1', rcpt: 'a@b.example' }), /^#policy=[A-Za-z0-9_-]+&client=192\.0\.2\.1&rcpt=a%40b\.example$/);
  });

  it('gives nothing for a fragment without a policy, or with a damaged one', () => {
    assert.equal(decodeFragment(''), undefined);
    assert.equal(decodeFragment('#client=192.0.2.1'), undefined);
    assert.equal(decodeFragment('#policy=not*base64'), undefined);
    // 0xff 0xfe is not UTF-8: refused, never shown as replacement characters
    assert.equal(decodeFragment('#policy=__4'), undefined);
  });
});
