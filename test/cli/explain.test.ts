// `explain` on the quickstart (and the partner-relay example) reproduces each decision of
// the source article from the command line, with the policy lines that decided it.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCli } from './run-cli.js';

const QUICKSTART = 'examples/quickstart.smtppolicy';

async function explain(...args: string[]) {
  const result = await runCli(['explain', ...args, '--format', 'json']);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as {
    decision: string;
    stage: string;
    reply: string;
    route?: string;
    deliverTo?: string;
    trace: { step: string; result: string; source: string | null }[];
  };
}

describe('smtppolicy explain', () => {
  it('refuses an excluded address at connect, naming the entry', async () => {
    const d = await explain(QUICKSTART, '--server', 'inbound', '--client', '127.0.0.66', '--rcpt', 'postmaster@example.test');
    assert.equal(d.decision, 'refuse');
    assert.equal(d.stage, 'connect');
    assert.equal(d.reply, '554 5.7.1 Access denied');
    assert.ok(d.trace.some((s) => s.source?.startsWith('examples/quickstart.smtppolicy:')), JSON.stringify(d.trace));
  });

  it('accepts the bare postmaster from anyone admitted, and says which mailbox gets it', async () => {
    const d = await explain(QUICKSTART, '--server', 'inbound', '--client', '192.0.2.9', '--rcpt', 'PostMaster');
    assert.deepEqual([d.decision, d.stage, d.reply, d.route, d.deliverTo], ['accept', 'rcpt', '250 2.1.5 Ok', 'local', 'postmaster@example.test']);
    const pretty = await runCli(['explain', QUICKSTART, '--server', 'inbound', '--client', '192.0.2.9', '--rcpt', 'postmaster']);
    assert.match(pretty.stdout, /^deliver: {2}to postmaster@example\.test$/m);
  });

  it('accepts a client whose reverse name is confirmed and in a listed domain', async () => {
    const d = await explain(QUICKSTART, '--server', 'submission', '--client', '192.0.2.5', '--ptr', 'laptop.trusted.example.test', '--tls', '--user', 'demo@example.test', '--rcpt', 'friend@elsewhere.example');
    assert.equal(d.decision, 'accept');
    assert.equal(d.route, 'relay');
  });

  it('refuses the same client when its reverse name is not forward-confirmed', async () => {
    const d = await explain(QUICKSTART, '--server', 'submission', '--client', '192.0.2.5', '--ptr', 'laptop.trusted.example.test', '--unconfirmed', '--tls', '--rcpt', 'friend@elsewhere.example');
    assert.deepEqual([d.decision, d.stage, d.reply], ['refuse', 'connect', '554 5.7.1 Access denied']);
  });

  it('fails closed with a temporary 4xx when the reverse lookup fails', async () => {
    const d = await explain(QUICKSTART, '--server', 'submission', '--client', '192.0.2.5', '--dns-fail', '--rcpt', 'friend@elsewhere.example');
    assert.equal(d.decision, 'tempfail');
    assert.equal(d.stage, 'connect');
    assert.match(d.reply, /^421 4\.7\.0 /);
  });

  it('refuses MAIL before STARTTLS where TLS is required', async () => {
    const d = await explain(QUICKSTART, '--server', 'submission', '--client', '127.0.0.5', '--rcpt', 'someone@example.test');
    assert.deepEqual([d.decision, d.stage, d.reply], ['refuse', 'mail', '530 5.7.0 Must issue a STARTTLS command first']);
  });

  it('does not let basic auth happen before TLS', async () => {
    const d = await explain(QUICKSTART, '--server', 'submission', '--client', '127.0.0.5', '--user', 'demo@example.test', '--rcpt', 'friend@elsewhere.example');
    assert.deepEqual([d.decision, d.stage], ['refuse', 'auth']);
    assert.match(d.reply, /^538 5\.7\.11 /);
  });

  it('refuses a weak cipher where 128-bit encryption is required', async () => {
    const d = await explain(QUICKSTART, '--server', 'submission', '--client', '127.0.0.5', '--tls', '--cipher-bits', '56', '--rcpt', 'someone@example.test');
    assert.equal(d.decision, 'refuse');
    assert.match(d.reply, /^538 5\.7\.11 /);
  });

  it('refuses relay for an unauthenticated outside client with 5.7.1', async () => {
    const d = await explain(QUICKSTART, '--server', 'inbound', '--client', '192.0.2.9', '--rcpt', 'victim@elsewhere.example');
    assert.deepEqual([d.decision, d.stage, d.reply], ['refuse', 'rcpt', '554 5.7.1 <victim@elsewhere.example>: Relay access denied']);
  });

  it('allows relay for an authenticated user over TLS', async () => {
    const d = await explain(QUICKSTART, '--server', 'submission', '--client', '127.0.0.5', '--tls', '--user', 'demo@example.test', '--rcpt', 'friend@elsewhere.example');
    assert.deepEqual([d.decision, d.stage, d.route], ['accept', 'rcpt', 'relay']);
  });

  it('allows relay for a granted partner subnet without authentication', async () => {
    const d = await explain('examples/partner-relay.smtppolicy', '--client', '203.0.113.77', '--rcpt', 'someone@elsewhere.example');
    assert.deepEqual([d.decision, d.route], ['accept', 'relay']);
    assert.ok(d.trace.some((s) => s.source?.startsWith('examples/partner-relay.smtppolicy:')));
  });

  it('accepts mail for a local domain from anyone allowed to connect', async () => {
    const d = await explain(QUICKSTART, '--server', 'inbound', '--client', '192.0.2.9', '--rcpt', 'postmaster@example.test');
    assert.deepEqual([d.decision, d.stage, d.route, d.reply], ['accept', 'rcpt', 'local', '250 2.1.5 Ok']);
  });

  it('prints a readable trace by default', async () => {
    const result = await runCli(['explain', QUICKSTART, '--server', 'inbound', '--client', '192.0.2.9', '--rcpt', 'victim@elsewhere.example']);
    assert.match(result.stdout, /^decision: refuse at rcpt\nreply: {4}554 5\.7\.1 <victim@elsewhere\.example>: Relay access denied\ntrace:\n/);
  });

  it('rejects contradictory or missing facts with exit 2', async () => {
    assert.equal((await runCli(['explain', QUICKSTART, '--server', 'inbound', '--client', 'not-an-ip', '--rcpt', 'a@b.example'])).code, 2);
    assert.equal((await runCli(['explain', QUICKSTART, '--server', 'inbound', '--client', '192.0.2.1'])).code, 2);
    assert.equal((await runCli(['explain', QUICKSTART, '--server', 'nope', '--client', '192.0.2.1', '--rcpt', 'a@b.example'])).code, 2);
    assert.equal((await runCli(['explain', QUICKSTART, '--server', 'inbound', '--client', '192.0.2.1', '--ptr', 'x.example', '--dns-fail', '--rcpt', 'a@b.example'])).code, 2);
  });
});
