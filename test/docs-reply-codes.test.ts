// Every reply the server can send is documented in docs/reply-codes.md, code and enhanced
// code together, so an operator who sees one in a log can look it up.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { replies } from '../runtime/policy/replies.js';
import type { SmtpReply } from '../runtime/policy/types.js';
import { serverReplies } from '../runtime/smtp/server-replies.js';

function allReplies(table: Record<string, SmtpReply | ((...args: never[]) => SmtpReply)>): [string, SmtpReply][] {
  return Object.entries(table).map(([name, value]) => [name, typeof value === 'function' ? (value as (...a: string[]) => SmtpReply)('x', 'y') : value]);
}

test('docs/reply-codes.md documents every reply of the policy and of the server', () => {
  const doc = readFileSync(join(import.meta.dirname, '..', 'docs', 'reply-codes.md'), 'utf8');
  const missing = [...allReplies(replies), ...allReplies(serverReplies)]
    // the greeting has no enhanced code (RFC 2034): documented as `220 <hostname> ESMTP`
    .filter(([, reply]) => !doc.includes(reply.enhanced ? `\`${reply.code} ${reply.enhanced} ` : `\`${reply.code} `))
    .map(([name, reply]) => `${name}: ${reply.code} ${reply.enhanced}`);
  assert.deepEqual(missing, []);
});
