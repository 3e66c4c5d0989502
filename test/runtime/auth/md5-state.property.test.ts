import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import fc from 'fast-check';
import { md5InitialState, md5Resume, md5StateFromBytes, md5StateToBytes } from '../../../runtime/auth/md5-state.js';
import { cramMd5Digest, cramMd5Secret, formatCramMd5Secret, parseCramMd5Secret } from '../../../runtime/auth/cram-md5.js';

const bytes = (maxLength: number) => fc.uint8Array({ maxLength }).map((array) => Buffer.from(array));

test('MD5 resumed from the initial state equals node:crypto MD5 for any message', () => {
  fc.assert(fc.property(bytes(300), (message) => {
    assert.equal(md5Resume(md5InitialState(), 0, message).toString('hex'), createHash('md5').update(message).digest('hex'));
  }), { numRuns: 300 });
});

test('HMAC-MD5 from the stored states equals createHmac("md5") for keys of 0–200 bytes (longer than a block included)', () => {
  fc.assert(fc.property(bytes(200), bytes(300), (key, message) => {
    const expected = createHmac('md5', key).update(message).digest('hex');
    assert.equal(cramMd5Digest(cramMd5Secret(key), message).toString('hex'), expected);
  }), { numRuns: 500 });
});

test('a CRAM-MD5 secret survives its text form and works for string passwords as a client keys them (UTF-8)', () => {
  fc.assert(fc.property(fc.string({ maxLength: 80, unit: 'grapheme' }), fc.string({ maxLength: 120 }), (password, challenge) => {
    const secret = parseCramMd5Secret(formatCramMd5Secret(cramMd5Secret(password)));
    assert.notEqual(typeof secret, 'string');
    const digest = cramMd5Digest(secret as Exclude<typeof secret, string>, challenge).toString('hex');
    assert.equal(digest, createHmac('md5', password).update(challenge).digest('hex'));
  }), { numRuns: 200 });
});

test('the stored secret is not the password: it holds two MD5 states, and the known RFC 2195 example verifies', () => {
  // RFC 2195 section 2: user tim, password tanstaaftanstaaf
  const challenge = '<1896.697170952@postoffice.reston.mci.net>';
  const secret = cramMd5Secret('tanstaaftanstaaf');
  assert.equal(cramMd5Digest(secret, challenge).toString('hex'), 'b913a602c7eda7a495b4e6e7334d3890');
  const text = formatCramMd5Secret(secret);
  assert.match(text, /^cram-md5\$[0-9a-f]{32}\$[0-9a-f]{32}$/);
  assert.ok(!text.includes(Buffer.from('tanstaaftanstaaf').toString('hex')));
  assert.deepEqual(md5StateToBytes(md5StateFromBytes(secret.inner)), secret.inner);
});

test('malformed CRAM-MD5 secrets are described', () => {
  assert.match(String(parseCramMd5Secret('cram-md5$abc$def')), /32 lowercase hex digits/);
  assert.match(String(parseCramMd5Secret('cram-md5$00')), /expected 'cram-md5\$/);
});
