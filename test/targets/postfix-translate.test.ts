// The Postfix translation, in-process: what main.cf, master.cf and the tables say for the
// examples and for policies that use what Postfix cannot express, and the report of each.
// test/targets/postfix/ proves the same files on a real Postfix.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readMailboxSnapshot } from '../../cli/target-mailboxes.js';
import { NO_MAILBOXES, PostfixNameClash, PostfixServiceClash, translateToPostfix, type MappingFinding, type TargetOutput } from '../../targets/index.js';
import { configOf, configOfText } from './policy-config.js';

const DIR = '/etc/postfix-test';

function file(output: TargetOutput, name: string): string {
  const text = output.files.get(name);
  assert.ok(text !== undefined, `${name} was not written (written: ${[...output.files.keys()].join(', ')})`);
  return text;
}

/** The `-o` lines of one master.cf service. */
function service(output: TargetOutput, name: string): string[] {
  const lines = file(output, 'master.cf').split('\n');
  const start = lines.findIndex((line) => line.startsWith(`${name} inet `));
  assert.ok(start >= 0, `no service ${name} in master.cf`);
  const options: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith('  -o ')) break;
    options.push(line.slice(5));
  }
  return options;
}

function parameter(output: TargetOutput, name: string): string | undefined {
  return file(output, 'main.cf').split('\n').find((line) => line.startsWith(`${name} =`))?.replace(/^[^=]+= ?/, '');
}

function findingOf(output: TargetOutput, setting: string, server: string | null): MappingFinding | undefined {
  return output.findings.find((f) => f.setting === setting && f.server === server);
}

describe('compile --target postfix: the translation', () => {
  it('submission-server: STARTTLS and implicit TLS listeners that require TLS before AUTH and MAIL', async () => {
    const output = translateToPostfix(await configOf('examples/submission-server.smtppolicy'), { directory: DIR, mailboxes: NO_MAILBOXES });
    const submission = service(output, '587');
    const smtps = service(output, '465');
    for (const options of [submission, smtps]) {
      assert.ok(options.includes('smtpd_tls_security_level=encrypt'));
      assert.ok(options.includes('smtpd_tls_auth_only=yes'));
      assert.ok(options.includes('smtpd_tls_mandatory_protocols=>=TLSv1.2'));
      assert.ok(options.includes('smtpd_sasl_auth_enable=yes'));
      assert.ok(options.includes('message_size_limit=26214400'));
      assert.ok(options.includes('smtpd_recipient_limit=100'));
      assert.ok(options.includes('smtpd_client_connection_count_limit=20'));
    }
    assert.ok(smtps.includes('smtpd_tls_wrappermode=yes'));
    assert.ok(!submission.includes('smtpd_tls_wrappermode=yes'));
    // [::]:587 and 0.0.0.0:587 are one service on every interface
    assert.equal(file(output, 'master.cf').match(/^587 inet /gm)?.length, 1);
    assert.equal(parameter(output, 'inet_protocols'), 'all');
    assert.equal(parameter(output, 'smtppolicy_submission_tls_chain_files'), '/etc/smtppolicy/tls/mail.contoso.example.key, /etc/smtppolicy/tls/mail.contoso.example.pem');
    assert.equal(parameter(output, 'smtppolicy_submission_sender_restrictions'), 'reject_authenticated_sender_login_mismatch, permit_sasl_authenticated, check_sender_access static:{530 5.7.0 Authentication required}');
    assert.equal(parameter(output, 'smtppolicy_submission_relay_restrictions'), 'permit_sasl_authenticated, reject_unauth_destination');
    assert.match(file(output, 'sasl/smtpd-submission.conf'), /^mech_list: PLAIN LOGIN$/m);
    assert.equal(parameter(output, 'relayhost'), '[smtp.isp.example]:587');
    assert.equal(parameter(output, 'smtp_tls_security_level'), 'secure');
    assert.match(file(output, 'smarthost-password'), /^\[smtp\.isp\.example\]:587 contoso-relay:REPLACE-WITH-\$SMARTHOST_PASSWORD$/m);
    assert.equal(findingOf(output, 'AuthConfig.senderMustMatch', 'submission')?.fidelity, 'approximate');
    assert.equal(findingOf(output, 'SmarthostTarget.password', 'submission')?.fidelity, 'approximate');
    assert.equal(output.findings.filter((f) => f.fidelity === 'unsupported').length, 0);
  });

  it('partner-relay: relay by address through a cidr table, a deny-list refused at connect', async () => {
    const output = translateToPostfix(await configOf('examples/partner-relay.smtppolicy'), { directory: DIR, mailboxes: NO_MAILBOXES });
    assert.deepEqual(file(output, 'gateway-relay.cidr').split('\n').filter((l) => l && !l.startsWith('#')), ['203.0.113.0/24 OK', '198.51.100.7/32 OK']);
    assert.deepEqual(file(output, 'gateway-connections.cidr').split('\n').filter((l) => l && !l.startsWith('#')), ['192.0.2.0/24 REJECT']);
    assert.equal(parameter(output, 'smtppolicy_gateway_client_restrictions'), 'check_client_access cidr:$config_directory/gateway-connections.cidr, permit');
    // no permit_sasl_authenticated: the policy grants relay to the partner's addresses only
    assert.equal(parameter(output, 'smtppolicy_gateway_relay_restrictions'), 'check_client_access cidr:$config_directory/gateway-relay.cidr, reject_unauth_destination');
    assert.ok(service(output, '25').includes('smtpd_delay_reject=no'), 'a refused client is refused at connect, not at RCPT');
    assert.ok(service(output, '25').includes('smtpd_tls_security_level=may'));
    assert.equal(parameter(output, 'virtual_mailbox_domains'), 'contoso.example');
    assert.equal(parameter(output, 'myorigin'), 'contoso.example');
    // each table line is preceded by the policy line it came from
    assert.match(file(output, 'gateway-relay.cidr'), /# .*partner-relay\.smtppolicy:7:3\n203\.0\.113\.0\/24 OK/);
  });

  it('domain-connection-control: domain entries by forward-confirmed name, reported approximate', async () => {
    const output = translateToPostfix(await configOf('examples/domain-connection-control.smtppolicy'), { directory: DIR, mailboxes: NO_MAILBOXES });
    const domains = file(output, 'branch-gateway-connection-domains').split('\n').filter((l) => l && !l.startsWith('#'));
    assert.deepEqual(domains, ['branch.contoso.example OK', '.branch.contoso.example OK']);
    assert.equal(parameter(output, 'smtppolicy_branch_gateway_client_restrictions'),
      'check_client_access cidr:$config_directory/branch-gateway-connections.cidr, check_client_access texthash:$config_directory/branch-gateway-connection-domains, reject');
    const finding = findingOf(output, 'ConnectionControl.entries (domain)', 'branch-gateway');
    assert.equal(finding?.fidelity, 'approximate');
    assert.match(finding?.note ?? '', /421/);
    assert.match(finding?.source ?? '', /domain-connection-control\.smtppolicy:\d+:\d+$/);
    assert.equal(findingOf(output, 'ResolverConfig.servers', null)?.fidelity, 'approximate');
  });

  it('optional TLS offers only CRAM-MD5 before STARTTLS, as runtime/policy does', async () => {
    const config = await configOfText(`users u file "u.passwd"
server mx {
  listen 127.0.0.1:2525
  hostname mx.example.com
  tls {
    certificate "c.pem" # smtppolicy-ignore certificate-not-found -- not needed to translate
    key "c.key"
    optional
  }
  auth { basic users u
    challenge-response users u }
}
`);
    const output = translateToPostfix(config, { directory: DIR, mailboxes: NO_MAILBOXES });
    const options = service(output, '127.0.0.1:2525');
    assert.ok(options.includes('smtpd_tls_auth_only=no'));
    assert.ok(options.includes('smtpd_sasl_security_options=$smtppolicy_mx_sasl_security_options'));
    assert.equal(parameter(output, 'smtppolicy_mx_sasl_security_options'), 'noanonymous, noplaintext');
    assert.match(file(output, 'sasl/smtpd-mx.conf'), /^mech_list: PLAIN LOGIN CRAM-MD5$/m);
    // a relative certificate path is read from the directory Postfix is started with
    assert.equal(parameter(output, 'smtppolicy_mx_tls_chain_files'), `${DIR}/c.key, ${DIR}/c.pem`);
  });

  it('recipient lists, routes and direct delivery: mailboxes copied from their file, aliases, catch-all, transport_maps', async () => {
    const lists = await mkdtemp(join(tmpdir(), 'smtppolicy-translate-'));
    const mailboxFile = join(lists, 'example.mailboxes');
    await writeFile(mailboxFile, '# the mailboxes\nalice@example.com\nbob\ncarol@other.example\n');
    const config = await configOfText(`server mx {
  listen 127.0.0.1:2525
  hostname mx.example.com
  local-domains example.com, catch.example.com, open.example.com
  recipients example.com {
    mailboxes file ${JSON.stringify(mailboxFile)}
    alias "info" to "alice", "dave@elsewhere.example"
  }
  recipients catch.example.com {
    catch-all
  }
  relay {}
  relay-to direct
  route partner.example 192.0.2.7:2525
}
`);
    const output = translateToPostfix(config, { directory: DIR, mailboxes: await readMailboxSnapshot(config, lists) });
    // the listed mailboxes of example.com (not carol: another domain's) and the postmasters
    assert.deepEqual(file(output, 'recipients').split('\n').filter((l) => l && !l.startsWith('#')), [
      'alice@example.com example.com/alice/',
      'bob@example.com example.com/bob/',
      'postmaster@example.com example.com/postmaster/',
      'postmaster@catch.example.com catch.example.com/postmaster/',
    ]);
    assert.match(file(output, 'aliases'), /^info@example\.com alice@example\.com, dave@elsewhere\.example$/m);
    // the catch-all and the domain without a list take any local part; example.com does not
    assert.match(file(output, 'mailboxes.regexp'), /^\/\^\(\[\^@\]\+\)@\(catch\\\.example\\\.com\|open\\\.example\\\.com\)\$\/ \$\{2\}\/\$\{1\}\/$/m);
    assert.equal(parameter(output, 'virtual_mailbox_maps'), 'texthash:$config_directory/recipients, regexp:$config_directory/mailboxes.regexp');
    assert.equal(parameter(output, 'virtual_alias_maps'), 'texthash:$config_directory/aliases');
    assert.equal(parameter(output, 'relayhost'), '');
    assert.equal(parameter(output, 'smtp_tls_security_level'), 'may');
    assert.equal(parameter(output, 'smtp_destination_concurrency_limit'), '2');
    assert.equal(parameter(output, 'smtp_helo_name'), '$myhostname');
    assert.match(file(output, 'transport'), /^partner\.example smtp:\[192\.0\.2\.7\]:2525$/m);
    assert.equal(findingOf(output, 'MailboxFileSource.file', 'mx')?.fidelity, 'approximate');
    assert.equal(findingOf(output, 'RecipientsConfig.catchAll', 'mx')?.fidelity, 'exact');
    assert.equal(findingOf(output, 'ServerConfig.routes', 'mx')?.fidelity, 'exact');
    assert.match(findingOf(output, 'ServerConfig.relayTo (direct)', 'mx')?.note ?? '', /MTA-STS/);
  });

  it('reports what Postfix cannot express as unsupported: XOAUTH2, the admin listener, PROXY trust, a second smart host', async () => {
    const config = await configOfText(`users u file "u.passwd"
admin { listen 127.0.0.1:9100 }
server a {
  listen 127.0.0.1:2525
  hostname a.example.com
  auth { token users u } # smtppolicy-ignore basic-auth-without-tls -- the translation is under test
  relay-to smarthost "one.example.com:25" { tls require }
  proxy-protocol { 127.0.0.1 }
}
server b {
  listen 127.0.0.1:2526
  hostname b.example.com
  relay-to smarthost "two.example.com:25" { tls require }
}
`);
    const output = translateToPostfix(config, { directory: DIR, mailboxes: NO_MAILBOXES });
    const unsupported = output.findings.filter((f) => f.fidelity === 'unsupported').map((f) => `${f.server ?? '-'} ${f.setting}`).sort();
    assert.deepEqual(unsupported, ['- AdminConfig.listen', 'a AuthConfig.mechanisms (token)', 'a ServerConfig.proxyProtocol', 'b ServerConfig.relayTo']);
    assert.match(findingOf(output, 'ServerConfig.relayTo', 'b')?.note ?? '', /one relay host.*server a/);
    assert.equal(parameter(output, 'relayhost'), '[one.example.com]:25');
    // XOAUTH2 has no Cyrus mechanism: no SASL for a server that offers nothing else
    assert.ok(service(output, '127.0.0.1:2525').includes('smtpd_sasl_auth_enable=no'));
  });

  it('two servers with one local domain but different recipients: the one written is reported approximate for the other', async () => {
    const config = await configOfText(`server inbound {
  listen 127.0.0.1:2525
  hostname mx.example.com
  local-domains example.com
  recipients example.com {
    alias "info" to "postmaster"
  }
}
server internal {
  listen 127.0.0.1:2526
  hostname internal.example.com
  local-domains example.com
}
`);
    const output = translateToPostfix(config, { directory: DIR, mailboxes: NO_MAILBOXES });
    assert.equal(findingOf(output, 'ServerConfig.localDomains', 'inbound')?.fidelity, 'exact', 'the list written is inbound\'s own');
    const internal = findingOf(output, 'ServerConfig.localDomains', 'internal');
    assert.equal(internal?.fidelity, 'approximate');
    assert.match(internal?.note ?? '', /for example\.com this server accepts what server inbound's list does .* not any local part/);
  });

  it('reports a setting only where the policy uses it', async () => {
    const output = translateToPostfix(await configOfText('server mx {\n  listen 127.0.0.1:2525\n  hostname mx.example.com\n}\n'), { directory: DIR, mailboxes: NO_MAILBOXES });
    const settings = output.findings.map((f) => f.setting);
    for (const unused of ['ServerConfig.banner', 'TlsConfig.mode', 'AuthConfig.mechanisms', 'ConnectionControl.entries (domain)', 'AdminConfig.listen', 'LimitsConfig.greetingDelayMs']) {
      assert.ok(!settings.includes(unused), `${unused} is reported for a policy that does not use it`);
    }
    assert.ok(settings.includes('ServerConfig.hostname'));
    assert.ok(service(output, '127.0.0.1:2525').includes('smtpd_tls_security_level=none'));
  });

  it('refuses servers Postfix cannot tell apart: one listener twice, names that differ only in - and _', async () => {
    // the compiler refuses one address twice (listen-address-conflict); a config written by
    // hand or by another tool may still hold it, and Postfix would refuse such a master.cf
    const twice = await configOfText('server a {\n  listen 127.0.0.1:2525\n  hostname a.example.com\n}\nserver b {\n  listen 127.0.0.1:2526\n  hostname b.example.com\n}\n');
    twice.servers[1]!.listen = twice.servers[0]!.listen;
    assert.throws(() => translateToPostfix(twice, { directory: DIR, mailboxes: NO_MAILBOXES }), (error) => error instanceof PostfixServiceClash && /'a' and 'b' both listen on 127\.0\.0\.1:2525/.test(error.message));
    const names = await configOfText('server a-b {\n  listen 127.0.0.1:2525\n  hostname a.example.com\n}\nserver a_b {\n  listen 127.0.0.1:2526\n  hostname b.example.com\n}\n');
    assert.throws(() => translateToPostfix(names, { directory: DIR, mailboxes: NO_MAILBOXES }), (error) => error instanceof PostfixNameClash && /a-b.*a_b/.test(error.message));
  });
});
