// compile --target opensmtpd: what the translation writes into smtpd.conf for each kind of
// setting, and what it reports. In process, on every Node build; test/targets/opensmtpd/
// proves the files on a real OpenSMTPD.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NO_MAILBOXES, translateToOpenSmtpd, type TargetOutput } from '../../targets/index.js';
import { configOfText } from './policy-config.js';

const DIR = '/etc/smtpd-policy';

function conf(output: TargetOutput): string[] {
  return output.files.get('smtpd.conf')!.split('\n');
}

function finding(output: TargetOutput, setting: string, server: string | null) {
  return output.findings.find((f) => f.setting === setting && f.server === server);
}

describe('compile --target opensmtpd: the translation', () => {
  it('listeners: STARTTLS required or optional, implicit TLS, login required, the pki named after the hostname', async () => {
    const config = await configOfText(`users staff file "staff.passwd"
server submission {
  listen 127.0.0.1:587
  listen 127.0.0.1:465 implicit-tls
  hostname mail.example.com
  tls {
    certificate "c.pem" # smtppolicy-ignore certificate-not-found -- not needed to translate
    key "c.key"
    require
  }
  auth { basic users staff }
  relay { authenticated }
}
`);
    const lines = conf(translateToOpenSmtpd(config, { directory: DIR, mailboxes: NO_MAILBOXES }));
    assert.ok(lines.includes('listen on 127.0.0.1 port 587 hostname "mail.example.com" tag "submission" tls-require pki "mail.example.com" auth <staff>'));
    assert.ok(lines.includes('listen on 127.0.0.1 port 465 hostname "mail.example.com" tag "submission" smtps pki "mail.example.com" auth <staff>'));
    assert.ok(lines.includes(`pki "mail.example.com" cert "${DIR}/c.pem"`));
    assert.ok(lines.includes(`table "staff" file:${DIR}/staff.credentials`));
    assert.ok(lines.includes('match from auth tag "submission" for any action "submission-relay"'));
  });

  it('connection lists are refused at connect: a deny-list filter, an allow-list that bypasses its entries and refuses the rest', async () => {
    const config = await configOfText(`resolver { reverse-zone 100.51.198.in-addr.arpa }
server a {
  listen 127.0.0.1:2525
  hostname a.example.com
  connections except { 192.0.2.0/24 }
}
server b {
  listen 127.0.0.1:2526
  hostname b.example.com
  connections only { 198.51.100.7, domain partner.example }
}
`);
    const lines = conf(translateToOpenSmtpd(config, { directory: DIR, mailboxes: NO_MAILBOXES }));
    assert.ok(lines.includes('filter "a-connections-addresses" phase connect match src <a-connections> disconnect "554 5.7.1 Access denied"'));
    assert.ok(lines.some((l) => l.startsWith('listen on 127.0.0.1 port 2525 ') && l.endsWith('filter "a-connections-addresses"')));
    assert.ok(lines.includes('filter "b-connections-addresses" phase connect match src <b-connections> bypass'));
    assert.ok(lines.includes('filter "b-connections-domains" phase connect match rdns <b-connection-domains> bypass'));
    assert.ok(lines.includes('filter "b-connections-others" phase connect match src <b-everyone> disconnect "554 5.7.1 Access denied"'));
    assert.ok(lines.includes('filter "b-connections" chain { "b-connections-addresses", "b-connections-domains", "b-connections-others" }'));
  });

  it('local recipients: listed mailboxes, aliases and postmaster by address; catch-all and list-less domains by domain; routes before the relay', async () => {
    const config = await configOfText(`server mx {
  listen 127.0.0.1:2525
  hostname mx.example.com
  local-domains example.com, catch.example.com, open.example.com
  recipients example.com {
    mailboxes file "m.list" # smtppolicy-ignore mailbox-file-not-found -- the snapshot is given
    alias "info" to "alice"
  }
  recipients catch.example.com {
    catch-all
  }
  relay { 192.0.2.5 }
  relay-to direct
  route partner.example 192.0.2.7:2525
}
`);
    const output = translateToOpenSmtpd(config, { directory: DIR, mailboxes: new Map([['example.com', ['alice']]]) });
    const lines = conf(output);
    assert.ok(lines.includes('table "mx-recipients" { "info@example.com", "alice@example.com", "postmaster@example.com", "postmaster@catch.example.com", "postmaster@mx.example.com" }'));
    assert.ok(lines.includes('table "mx-any-local-part" { "catch.example.com", "open.example.com" }'));
    const virtual = lines.find((l) => l.startsWith('table "mx-virtual"'))!;
    for (const entry of ['"info@example.com" = "alice@example.com"', '"alice@example.com" = "vmail"', '"@catch.example.com" = "vmail"', '"postmaster@mx.example.com" = "postmaster@example.com"']) assert.ok(virtual.includes(entry), entry);
    const matches = lines.filter((l) => l.startsWith('match '));
    assert.deepEqual(matches, [
      'match from any tag "mx" for rcpt-to <mx-recipients> action "mx-local"',
      'match from any tag "mx" for domain <mx-any-local-part> action "mx-local"',
      'match from any tag "mx" for domain <mx-local-domains> reject',
      'match from src <mx-relay> tag "mx" for domain "partner.example" action "mx-route-1"',
      'match from src <mx-relay> tag "mx" for any action "mx-relay"',
    ]);
    assert.ok(lines.includes('action "mx-relay" relay helo "mx.example.com"'));
    assert.ok(lines.includes('action "mx-route-1" relay host "smtp://192.0.2.7:2525" helo "mx.example.com"'));
    assert.equal(finding(output, 'ServerConfig.relayTo (direct)', 'mx')?.fidelity, 'approximate');
    assert.equal(finding(output, 'RecipientsConfig.catchAll', 'mx')?.fidelity, 'exact');
  });

  it('limits OpenSMTPD has once take the smallest value and say so; what it lacks is unsupported', async () => {
    const config = await configOfText(`server a {
  listen 127.0.0.1:2525
  hostname a.example.com
  limits { message-size 10MB }
}
server b {
  listen 127.0.0.1:2526
  hostname b.example.com
  limits { message-size 20MB }
}
`);
    const output = translateToOpenSmtpd(config, { directory: DIR, mailboxes: NO_MAILBOXES });
    assert.ok(conf(output).includes(`smtp max-message-size ${config.servers[0]!.limits.messageSizeBytes}`));
    assert.match(finding(output, 'LimitsConfig.messageSizeBytes', 'b')?.note ?? '', /smallest/);
    assert.equal(finding(output, 'LimitsConfig.maxConnections', 'a')?.fidelity, 'unsupported');
    // relay-to hold: a closed port keeps relayed mail queued
    assert.ok(conf(output).includes('action "a-relay" relay host "smtp+notls://127.0.0.1:9" helo "a.example.com"'));
  });

  it('a client allowed to relay cannot have an unknown local recipient relayed: the rest of each local domain is refused before the relay rules', async () => {
    // found by the generated policies of test/targets/opensmtpd/: `relay { 127.0.0.0/8 }` with a
    // recipient list, and smtpd accepted any local part from 127.0.0.1 through `for any`
    const config = await configOfText(`server mx {
  listen 127.0.0.1:2525
  hostname mx.example.test
  relay { authenticated, 127.0.0.0/8 }
  local-domains example.test, Local.Test.
  recipients example.test {
    alias "info" to "postmaster"
  }
}
`);
    const lines = conf(translateToOpenSmtpd(config, { directory: DIR, mailboxes: NO_MAILBOXES }));
    assert.ok(lines.includes('table "mx-local-domains" { "example.test", "local.test" }'));
    assert.deepEqual(lines.filter((l) => l.startsWith('match ')), [
      'match from any tag "mx" for rcpt-to <mx-recipients> action "mx-local"',
      'match from any tag "mx" for domain <mx-any-local-part> action "mx-local"',
      'match from any tag "mx" for domain <mx-local-domains> reject',
      'match from auth tag "mx" for any action "mx-relay"',
      'match from src <mx-relay> tag "mx" for any action "mx-relay"',
    ]);
  });

  it('AUTH on a server without TLS: not written (smtpd refuses it), reported unsupported, and with anonymous mail off every recipient is refused', async () => {
    // found by the generated policies: `auth { basic users u }` without TLS made smtpd refuse
    // the whole configuration ("auth requires tls/smtps")
    const policy = (anonymous: string) => `users u file "u.passwd"
server mx {
  listen 127.0.0.1:2525
  hostname mx.example.test
  auth { basic users u ${anonymous} }
  local-domains example.test
}
`;
    const closed = translateToOpenSmtpd(await configOfText(policy(''), 'allowed'), { directory: DIR, mailboxes: NO_MAILBOXES });
    assert.ok(conf(closed).includes('listen on 127.0.0.1 port 2525 hostname "mx.example.test" tag "mx"'));
    assert.equal(conf(closed).filter((l) => l.startsWith('match '))[0], 'match from any tag "mx" for any reject');
    assert.equal(finding(closed, 'AuthConfig.mechanisms', 'mx')?.fidelity, 'unsupported');
    assert.match(finding(closed, 'AuthConfig.mechanisms', 'mx')?.note ?? '', /only over TLS.*every recipient is refused/);

    assert.equal(finding(closed, 'AuthConfig.anonymous', 'mx')?.fidelity, 'approximate');

    const open = translateToOpenSmtpd(await configOfText(policy('anonymous'), 'allowed'), { directory: DIR, mailboxes: NO_MAILBOXES });
    assert.ok(conf(open).includes('listen on 127.0.0.1 port 2525 hostname "mx.example.test" tag "mx"'));
    assert.ok(!conf(open).some((l) => l.includes(' reject') && l.includes('for any ')), 'anonymous clients may still send');
    assert.equal(finding(open, 'AuthConfig.mechanisms', 'mx')?.fidelity, 'unsupported');
  });

  it('anonymous mail off and no mechanism (`auth {}`): every recipient is refused, reported approximate', async () => {
    // found by the generated policies: without a login to require, the listener was written
    // without `auth` and smtpd took anonymous mail the policy refuses
    const output = translateToOpenSmtpd(await configOfText(`server mx {
  listen 127.0.0.1:2525
  hostname mx.example.test
  auth {}
  local-domains example.test
}
`, 'allowed'), { directory: DIR, mailboxes: NO_MAILBOXES });
    assert.equal(conf(output).filter((l) => l.startsWith('match '))[0], 'match from any tag "mx" for any reject');
    assert.equal(finding(output, 'AuthConfig.anonymous', 'mx')?.fidelity, 'approximate');
    assert.match(finding(output, 'AuthConfig.anonymous', 'mx')?.note ?? '', /at RCPT/);
  });
});
