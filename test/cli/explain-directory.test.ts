// `explain` with a directory store (a real slapd on loopback, StartTLS with a test CA):
// `--user` is a directory user whose login lets it relay, and `--rcpt` in a domain whose
// mailboxes are the directory's is decided by asking the directory as the server does
// (a mailbox, a group's fan-out, 550 5.1.1 for nobody); a stopped directory is explained as
// the server's 451 4.4.3, and a bind password missing from the environment leaves the
// recipient undecided (451), never "unknown".
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { startSlapd, SUFFIX } from '../helpers/slapd.js';
import { makeCertificate } from '../helpers/certificates.js';
import { tempDir } from '../helpers/server-fixture.js';
import { runCli } from './run-cli.js';

const LDAP_HOST = '127.0.21.40';
const SERVICE_PASSWORD = 'service-secret';

test('explain --user and --rcpt with a directory store', { timeout: 60_000 }, async (t: TestContext) => {
  const slapd = await startSlapd(t, LDAP_HOST);
  if (!slapd) return;
  await slapd.addService('smtp', SERVICE_PASSWORD);
  const alice = await slapd.addUser('alice', 'alice-password', 'alice@example.test');
  const bob = await slapd.addMailbox('bob', { proxyAddresses: ['SMTP:bob@example.test'] });
  await slapd.addGroup('team', [alice, bob], 'team@example.test');
  const dir = tempDir(t);
  const certificate = makeCertificate({ dir });
  writeFileSync(join(dir, 'policy.smtppolicy'), `users staff ldap "${slapd.url}" {
  bind-dn "cn=smtp,ou=services,${SUFFIX}"
  bind-password env SMTP_LDAP_PASSWORD
  base "${SUFFIX}"
  ca-file "${slapd.certificate.certPath}"
  starttls
}
server submission {
  listen 127.0.21.41:587
  hostname mail.example.test
  tls { certificate "${certificate.certPath}"  key "${certificate.keyPath}"  require }
  auth { basic users staff }
  relay { authenticated }
  local-domains example.test
  recipients example.test { mailboxes users staff }
}
`);
  const env = { SMTP_LDAP_PASSWORD: SERVICE_PASSWORD };
  const explain = async (rcpt: string, options: { env?: NodeJS.ProcessEnv; user?: boolean } = {}) => {
    const args = ['explain', 'policy.smtppolicy', '--client', '127.0.21.42', '--tls', ...(options.user === false ? [] : ['--user', 'alice']), '--rcpt', rcpt, '--format', 'json'];
    const result = await runCli(args, { cwd: dir, env: options.env ?? env });
    assert.equal(result.code, 0, result.stderr);
    return { ...(JSON.parse(result.stdout) as { reply: string; targets?: Array<{ address: string }>; trace: Array<{ step: string; result: string }> }), stderr: result.stderr };
  };

  await t.test('a directory user may relay', async () => {
    assert.equal((await explain('someone@outside.example')).reply, '250 2.1.5 Ok');
    // without a login the submission server refuses the sender already
    assert.match((await explain('someone@outside.example', { user: false })).reply, /^530 5\.7\.0 /);
  });

  await t.test('the directory decides the recipients of its domain', async () => {
    const found = await explain('alice@example.test');
    assert.equal(found.reply, '250 2.1.5 Ok');
    assert.ok(found.trace.some((step) => step.result === 'a mailbox (mailboxes users staff)'), JSON.stringify(found.trace));
    assert.equal((await explain('bob@example.test')).reply, '250 2.1.5 Ok');
    assert.match((await explain('nobody@example.test')).reply, /^550 5\.1\.1 /);
    const team = await explain('team@example.test');
    assert.deepEqual(team.targets?.map((target) => target.address).sort(), ['alice@example.test', 'bob@example.test']);
  });

  await t.test('without the bind password, a recipient is undecided, never unknown', async () => {
    const missing = await explain('alice@example.test', { env: {} });
    assert.match(missing.reply, /^451 4\.3\.0 /);
    assert.match(missing.stderr, /bind-password: environment variable SMTP_LDAP_PASSWORD is not set/);
  });

  await t.test('a stopped directory is explained as the server would answer: 451 4.4.3', async () => {
    await slapd.stop();
    const down = await explain('carol@example.test');
    assert.match(down.reply, /^451 4\.4\.3 /);
    assert.match(down.stderr, /directory unavailable/);
    await slapd.start();
  });
});
