// `smtppolicy compile --target postfix -o DIR`: files in DIR, the report on stdout (pretty or
// json), nothing written while the policy uses what Postfix cannot express unless
// --allow-approximate, and usage errors for what makes no sense.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TargetReport } from '../../targets/index.js';
import { hashPassword } from '../../runtime/auth/password-hash.js';
import { runCli } from './run-cli.js';

const WITH_ADMIN = 'admin { listen 127.0.0.1:9100 }\nserver mx {\n  listen 127.0.0.1:2525\n  hostname mx.example.com\n}\n';

describe('smtppolicy compile --target postfix', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'smtppolicy-compile-target-'));
    await writeFile(join(dir, 'admin.smtppolicy'), WITH_ADMIN);
    // the examples read their mailbox lists on the mail host (/etc/smtppolicy/…): here, beside them
    const partner = await readFile('examples/partner-relay.smtppolicy', 'utf8');
    await writeFile(join(dir, 'partner-relay.smtppolicy'), partner.replace('/etc/smtppolicy/contoso.mailboxes', 'contoso.mailboxes'));
    await writeFile(join(dir, 'contoso.mailboxes'), 'alice@contoso.example\n');
    const submission = await readFile('examples/submission-server.smtppolicy', 'utf8');
    await writeFile(join(dir, 'submission-server.smtppolicy'), submission.replace('/etc/smtppolicy/staff.passwd', 'staff.passwd'));
    // the production cost (the compile checks it); only the user name matters here
    await writeFile(join(dir, 'staff.passwd'), `carol@contoso.example:${await hashPassword('secret')}\n`, { mode: 0o600 });
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('writes main.cf, master.cf and the tables, and prints the report', async () => {
    const out = join(dir, 'partner');
    const result = await runCli(['compile', 'partner-relay.smtppolicy', '--target', 'postfix', '-o', out], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual((await readdir(out)).sort(), ['gateway-connections.cidr', 'gateway-relay.cidr', 'main.cf', 'master.cf', 'recipients']);
    // a copy of the mailbox list: Postfix cannot read smtppolicy's file
    assert.match(await readFile(join(out, 'recipients'), 'utf8'), /^alice@contoso\.example contoso\.example\/alice\/$/m);
    assert.match(await readFile(join(out, 'master.cf'), 'utf8'), /^25 inet n - n - 100 smtpd$/m);
    assert.match(result.stdout, /^server gateway:$/m);
    assert.match(result.stdout, /^ {2}exact {7}RelayConfig\.entries \(address\) {2}\(partner-relay\.smtppolicy:\d+:\d+\)$/m);
    assert.match(result.stdout, /^postfix: \d+ exact, \d+ approximate, 0 unsupported$/m);
    assert.match(result.stderr, /5 files written to /);
  });

  it('prints the report as JSON with --format json', async () => {
    const result = await runCli(['compile', 'submission-server.smtppolicy', '--target', 'postfix', '-o', join(dir, 'submission'), '--format', 'json'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout) as TargetReport;
    assert.equal(report.target, 'postfix');
    assert.equal(report.summary.exact + report.summary.approximate + report.summary.unsupported, report.findings.length);
    assert.ok(report.findings.some((f) => f.setting === 'TlsConfig.mode' && f.server === 'submission' && f.fidelity === 'exact'));
    // the store's users in the domain are its mailboxes, copied for Postfix
    assert.match(await readFile(join(dir, 'submission', 'recipients'), 'utf8'), /^carol@contoso\.example contoso\.example\/carol\/$/m);
  });

  it('writes nothing when the policy uses a setting Postfix cannot express (exit 1), unless --allow-approximate', async () => {
    const out = join(dir, 'admin');
    const refused = await runCli(['compile', 'admin.smtppolicy', '--target', 'postfix', '-o', out], { cwd: dir });
    assert.equal(refused.code, 1);
    assert.match(refused.stdout, /^ {2}unsupported AdminConfig\.listen {2}\(admin\.smtppolicy:1:1\)$/m);
    assert.match(refused.stderr, /not written: 1 setting\(s\) the policy uses cannot be expressed in postfix/);
    await assert.rejects(readdir(out), { code: 'ENOENT' });

    const allowed = await runCli(['compile', 'admin.smtppolicy', '--target', 'postfix', '-o', out, '--allow-approximate'], { cwd: dir });
    assert.equal(allowed.code, 0, allowed.stderr);
    assert.ok((await readdir(out)).includes('main.cf'));
  });

  it('--target opensmtpd writes smtpd.conf; limits OpenSMTPD lacks are unsupported, so it needs --allow-approximate', async () => {
    const out = join(dir, 'opensmtpd');
    const refused = await runCli(['compile', 'partner-relay.smtppolicy', '--target', 'opensmtpd', '-o', out, '--format', 'json'], { cwd: dir });
    assert.equal(refused.code, 1);
    const report = JSON.parse(refused.stdout) as TargetReport;
    assert.equal(report.target, 'opensmtpd');
    assert.ok(report.findings.some((f) => f.setting === 'LimitsConfig.maxConnections' && f.fidelity === 'unsupported'));
    assert.match(refused.stderr, /cannot be expressed in opensmtpd/);
    await assert.rejects(readdir(out), { code: 'ENOENT' });

    const allowed = await runCli(['compile', 'partner-relay.smtppolicy', '--target', 'opensmtpd', '-o', out, '--allow-approximate'], { cwd: dir });
    assert.equal(allowed.code, 0, allowed.stderr);
    const conf = await readFile(join(out, 'smtpd.conf'), 'utf8');
    assert.match(conf, /^listen on 0\.0\.0\.0 port 25 hostname "[^"]+" tag "gateway" tls pki "[^"]+"/m);
    // the copied mailbox list decides who is a recipient
    assert.match(conf, /^table "gateway-recipients" \{ "alice@contoso\.example", /m);
    assert.match(allowed.stdout, /^opensmtpd: \d+ exact, \d+ approximate, \d+ unsupported$/m);
  });

  it('stops, naming the file, when a recipient list cannot be read (exit 2): a copy without it would refuse its mailboxes', async () => {
    const out = join(dir, 'unreadable');
    const result = await runCli(['compile', 'examples/partner-relay.smtppolicy', '--target', 'postfix', '-o', out]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /cannot read a recipient list's mailboxes.*\/etc\/smtppolicy\/contoso\.mailboxes/);
    await assert.rejects(readdir(out), { code: 'ENOENT' });
  });

  it('refuses what makes no sense: no -o, an unknown target, --allow-approximate without a target', async () => {
    const noOutput = await runCli(['compile', 'examples/partner-relay.smtppolicy', '--target', 'postfix']);
    assert.equal(noOutput.code, 2);
    assert.match(noOutput.stderr, /--target postfix needs -o DIR/);
    const unknown = await runCli(['compile', 'examples/partner-relay.smtppolicy', '--target', 'exim', '-o', dir]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown target 'exim' \(expected runtime, postfix, opensmtpd\)/);
    const flag = await runCli(['compile', 'examples/partner-relay.smtppolicy', '--allow-approximate']);
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /--allow-approximate needs --target postfix or opensmtpd/);
  });
});
