// `smtppolicy diff` on the changes reviewers meet: each case states the exact address sets
// gained and lost, a witness session, and the lines that decide it on both sides.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DiffReport } from '../../review/index.js';
import { reviewTexts, server } from './review-policies.js';

/** The user store the auth cases name (its file is never read: nobody logs in here). */
const USERS = 'users staff file "staff.passwd"\n';

/** The changes of the only listener of the only server, as plain data. */
function changesOf(report: DiffReport) {
  const listener = report.diff.servers[0]!.listeners[0]!;
  return listener.changes.map((c) => ({
    what: `${c.capability} ${c.direction}`,
    cidrs: c.set.toCidrs(),
    ipv4: c.counts.ipv4,
    publicIpv4: c.publicCounts.ipv4,
    witness: c.witness?.session,
    confirmed: c.witness?.confirmed,
    before: c.witness?.before.decidedBy,
    after: c.witness?.after.decidedBy,
  }));
}

describe('smtppolicy diff: what each kind of change grants and takes away', () => {
  it('a widened relay range: exactly the new /8 may relay, with the line that grants it', async () => {
    const report = await reviewTexts({ 'policy.smtppolicy': server('  relay { 10.0.0.0/8 }') }, { 'policy.smtppolicy': server('  relay { 10.0.0.0/7 }') });
    assert.deepEqual(changesOf(report), [
      {
        what: 'relay gained',
        cidrs: ['11.0.0.0/8'],
        ipv4: 16_777_216n,
        publicIpv4: 16_777_216n,
        witness: { client: '11.0.0.0' },
        confirmed: true,
        before: 'policy.smtppolicy:5:3', // relay { … }: no grant applies
        after: 'policy.smtppolicy:5:11', // the entry 10.0.0.0/7
      },
    ]);
    assert.equal(report.after.texts.lineText('policy.smtppolicy:5:11'), 'relay { 10.0.0.0/7 }');
  });

  it('a removed allow-list entry: that address no longer connects; the entry decided before, the list after', async () => {
    const report = await reviewTexts(
      { 'policy.smtppolicy': server('  connections only {\n    192.168.1.0/24\n    203.0.113.5\n  }') },
      { 'policy.smtppolicy': server('  connections only {\n    192.168.1.0/24\n  }') },
    );
    assert.deepEqual(changesOf(report), [
      { what: 'connect lost', cidrs: ['203.0.113.5/32'], ipv4: 1n, publicIpv4: 0n, witness: { client: '203.0.113.5' }, confirmed: true, before: 'policy.smtppolicy:7:5', after: 'policy.smtppolicy:5:3' },
    ]);
  });

  it('an include swapped: the partner list of the new include gains relay, the old one loses it, each at its own file', async () => {
    const main = `include "partners.smtppolicy"\n${server('  relay { @partners }')}`;
    const report = await reviewTexts(
      { 'policy.smtppolicy': main.replace('partners.smtppolicy', 'old-partners.smtppolicy'), 'old-partners.smtppolicy': 'list partners {\n  203.0.113.0/24\n}\n' },
      { 'policy.smtppolicy': main.replace('partners.smtppolicy', 'new-partners.smtppolicy'), 'new-partners.smtppolicy': 'list partners {\n  198.51.100.0/24\n}\n' },
    );
    assert.deepEqual(changesOf(report), [
      { what: 'relay gained', cidrs: ['198.51.100.0/24'], ipv4: 256n, publicIpv4: 0n, witness: { client: '198.51.100.1' }, confirmed: true, before: 'policy.smtppolicy:6:3', after: 'new-partners.smtppolicy:2:3' },
      { what: 'relay lost', cidrs: ['203.0.113.0/24'], ipv4: 256n, publicIpv4: 0n, witness: { client: '203.0.113.1' }, confirmed: true, before: 'old-partners.smtppolicy:2:3', after: 'policy.smtppolicy:6:3' },
    ]);
  });

  it('PROXY trust added: the balancer stops connecting as itself, its headers are believed, and it can claim a granted address', async () => {
    const report = await reviewTexts(
      { 'policy.smtppolicy': server('  relay { 10.0.0.0/8 }') },
      { 'policy.smtppolicy': server('  relay { 10.0.0.0/8 }\n  proxy-protocol { 192.0.2.10 }') },
    );
    assert.deepEqual(changesOf(report), [
      // before: no connection list, no proxy list: the defaults decided, no line did
      { what: 'connect lost', cidrs: ['192.0.2.10/32'], ipv4: 1n, publicIpv4: 0n, witness: { client: '192.0.2.10' }, confirmed: true, before: null, after: 'policy.smtppolicy:6:20' },
      { what: 'proxy gained', cidrs: ['192.0.2.10/32'], ipv4: 1n, publicIpv4: 0n, witness: { client: '192.0.2.10' }, confirmed: true, before: null, after: 'policy.smtppolicy:6:20' },
      { what: 'relay gained', cidrs: ['192.0.2.10/32'], ipv4: 1n, publicIpv4: 0n, witness: { client: '10.0.0.1', proxyFrom: '192.0.2.10' }, confirmed: true, before: null, after: 'policy.smtppolicy:5:11' },
    ]);
  });

  it('auth made optional: the address grants apply without logging in; the auth block decides on both sides', async () => {
    const report = await reviewTexts(
      { 'policy.smtppolicy': `${USERS}${server('  auth { challenge-response users staff }\n  relay { authenticated 10.0.0.0/8 }')}` },
      { 'policy.smtppolicy': `${USERS}${server('  auth { anonymous challenge-response users staff }\n  relay { authenticated 10.0.0.0/8 }')}` },
    );
    assert.deepEqual(changesOf(report), [
      { what: 'relay gained', cidrs: ['10.0.0.0/8'], ipv4: 16_777_216n, publicIpv4: 0n, witness: { client: '10.0.0.1' }, confirmed: true, before: 'policy.smtppolicy:6:3', after: 'policy.smtppolicy:7:25' },
    ]);
    assert.deepEqual(report.diff.servers[0]!.users.map((u) => [u.right, u.before, u.after, u.widens]), [['clients may send mail without logging in (anonymous access)', false, true, true]]);
  });

  it('basic auth without a certificate: every client that connects may now send its password in clear', async () => {
    const report = await reviewTexts(
      { 'policy.smtppolicy': `${USERS}${server('  connections only { 192.0.2.0/24 }\n  auth { challenge-response users staff }')}` },
      { 'policy.smtppolicy': `${USERS}${server('  connections only { 192.0.2.0/24 }\n  auth { basic users staff }')}` },
    );
    const [clear] = changesOf(report);
    assert.deepEqual([clear!.what, clear!.cidrs, clear!.witness, clear!.confirmed], ['clear-auth gained', ['192.0.2.0/24'], { client: '192.0.2.1' }, true]);
  });

  it('a relay grant by domain: hosts under the new domain relay, shown by name with a PTR witness', async () => {
    const report = await reviewTexts({ 'policy.smtppolicy': server('  relay { 10.0.0.0/8 }') }, { 'policy.smtppolicy': server('  relay { 10.0.0.0/8 domain partner.example }') });
    const listener = report.diff.servers[0]!.listeners[0]!;
    assert.deepEqual(listener.changes, []);
    assert.deepEqual(
      listener.domains.map((d) => [d.capability, d.direction, d.domain, d.witness.session, d.witness.after.decidedBy]),
      [['relay', 'gained', 'partner.example', { client: '8.8.8.8', ptr: 'host.partner.example' }, 'policy.smtppolicy:5:22']],
    );
  });

  it('the same policy twice: no change at all', async () => {
    const text = server('  relay { 10.0.0.0/8 }\n  proxy-protocol { 192.0.2.10 }');
    const report = await reviewTexts({ 'policy.smtppolicy': text }, { 'policy.smtppolicy': text });
    assert.deepEqual(report.diff.servers.map((s) => [s.listeners.flatMap((l) => [...l.changes, ...l.domains]), s.users]), [[[], []]]);
  });
});
