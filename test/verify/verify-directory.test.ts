// `smtppolicy verify --user` against a submission server whose users and mailboxes are in a
// directory (a real slapd on loopback, StartTLS with a test CA): the login probes log in as a
// directory user (and a wrong password is refused), an authenticated client relays, and the
// recipient probe's made-up local part is refused with 550 5.1.1 by the directory's answer.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { compileToRuntimeConfig } from '../../compiler/index.js';
import { makeCertificate } from '../helpers/certificates.js';
import { runServer, tempDir } from '../helpers/server-fixture.js';
import { startSlapd, SUFFIX } from '../helpers/slapd.js';
import { runVerify } from './cli-harness.js';

const LDAP_HOST = '127.0.21.60';
const SMTP_HOST = '127.0.21.61';
const SERVICE_PASSWORD = 'service-secret';

test('verify --user logs in as a directory user and probes the directory-backed recipients', { timeout: 90_000 }, async (t: TestContext) => {
  const slapd = await startSlapd(t, LDAP_HOST);
  if (!slapd) return;
  await slapd.addService('smtp', SERVICE_PASSWORD);
  await slapd.addUser('alice', 'alice-password', 'alice@example.test');
  const dir = tempDir(t);
  const certificate = makeCertificate({ dir, commonName: 'mail.example.test', altNames: ['mail.example.test'], ipAddresses: [SMTP_HOST] });
  const policy = join(dir, 'policy.smtppolicy');
  writeFileSync(policy, `storage { spool "spool"  maildir "mail" }
users staff ldap "${slapd.url}" {
  bind-dn "cn=smtp,ou=services,${SUFFIX}"
  bind-password env SMTP_LDAP_PASSWORD
  base "${SUFFIX}"
  ca-file "${slapd.certificate.certPath}"
  starttls
}
server submission {
  listen ${SMTP_HOST}:587
  hostname mail.example.test
  tls { certificate "${certificate.certPath}"  key "${certificate.keyPath}"  require }
  auth { basic users staff }
  relay { authenticated }
  local-domains example.test
  recipients example.test { mailboxes users staff }
}
`);
  const compiled = await compileToRuntimeConfig(policy);
  assert.deepEqual(compiled.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), []);
  const running = await runServer(t, compiled.config, { dir, env: { SMTP_LDAP_PASSWORD: SERVICE_PASSWORD } });
  const result = await runVerify(
    [policy, '--target', SMTP_HOST, '--port-map', `587:${running.port()}`, '--user', 'alice', '--password-env', 'VERIFY_PASSWORD', '--format', 'json'],
    { VERIFY_PASSWORD: 'alice-password', SMTP_LDAP_PASSWORD: SERVICE_PASSWORD },
    dir,
  );
  const report = result.report;
  assert.ok(report, `no JSON report: ${result.stderr}`);
  const failed = report.probes.filter((p) => p.status === 'fail');
  assert.deepEqual(failed.map((p) => `${p.id}: expected ${p.expected}; observed ${p.observed}`), []);
  const status = new Map(report.probes.map((p) => [p.id, p.status]));
  for (const id of ['submission/587/auth/after-tls', 'submission/587/auth/login', 'submission/587/auth/wrong-password', 'submission/587/relay/authenticated', 'submission/587/recipients/unknown/example.test']) {
    assert.equal(status.get(id), 'pass', `${id} should have run and passed: ${JSON.stringify(report.probes.find((p) => p.id === id))}`);
  }
  const unknown = report.probes.find((p) => p.id === 'submission/587/recipients/unknown/example.test')!;
  assert.match(unknown.observed, /550 5\.1\.1 /);
  assert.equal(result.code, 0, result.stderr);
});
