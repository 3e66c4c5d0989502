// `smtppolicy import postfix DIR` and `smtppolicy lint --from postfix DIR` on hand-written,
// realistic Postfix configurations: Debian's main.cf and master.cf as installed, a
// submission service with SASL and smtpd_tls_auth_only, and a mynetworks that makes an open
// relay by mistake. Each gives exactly the expected findings, at the Postfix file and line
// of the setting. Bad Postfix files are refused with file:line:column and what was expected.
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Diagnostic } from '../../grammar/index.js';
import { makeCertificate } from '../helpers/certificates.js';
import { runCli } from '../cli/run-cli.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');

/** `rule file:line` of each finding, the file relative to the configuration directory. */
function findings(json: string, dir: string): string[] {
  const report = JSON.parse(json) as { diagnostics: Array<Pick<Diagnostic, 'ruleId' | 'file' | 'range' | 'severity'>> };
  return report.diagnostics.map((d) => `${d.severity} ${d.ruleId} ${d.file.replace(`${dir}/`, '')}:${d.range.start.line}`).sort();
}

describe('import postfix and lint --from postfix', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'smtppolicy-import-'));
    await cp(FIXTURES, dir, { recursive: true });
    for (const name of ['debian-default', 'submission-sasl', 'open-relay-mynetworks']) {
      makeCertificate({ dir: join(dir, name), name: 'snakeoil', commonName: 'mail.example.org' });
    }
  });
  after(() => rm(dir, { recursive: true, force: true }));

  async function lint(name: string): Promise<string[]> {
    const result = await runCli(['lint', '--from', 'postfix', name, '--format', 'json'], { cwd: dir });
    assert.ok(result.code === 0 || result.code === 1, result.stderr);
    return findings(result.stdout, name);
  }

  it("Debian's default configuration: TLS 1.0 still allowed; loopback listed twice in mynetworks", async () => {
    assert.deepEqual(await lint('debian-default'), EXPECTED['debian-default']);
  });

  it('a submission service with SASL and smtpd_tls_auth_only', async () => {
    assert.deepEqual(await lint('submission-sasl'), EXPECTED['submission-sasl']);
  });

  it('an open relay by mistake: 0.0.0.0/0 in a mynetworks table', async () => {
    assert.deepEqual(await lint('open-relay-mynetworks'), EXPECTED['open-relay-mynetworks']);
  });

  it('writes the policy with a comment on every approximate line', async () => {
    const result = await runCli(['import', 'postfix', 'debian-default'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^server smtp \{$/m);
    assert.match(result.stdout, /^ {2}hostname mail\.example\.org$/m);
    assert.match(result.stdout, /^ {2}local-domains mail\.example\.org, example\.org, localhost\.example\.org # approximate: not imported: localhost/m);
    assert.match(result.stdout, /^ {4}min-version 1\.0$/m);
    assert.match(result.stdout, /^ {2}relay-to direct # approximate: Postfix uses opportunistic TLS for every domain/m);
    assert.match(result.stderr, /line\(s\) map only approximately/);
  });

  it('a Postfix that accepts any local part (local_recipient_maps empty) is reported as such; one that checks is not', async () => {
    await cp(join(dir, 'debian-default'), join(dir, 'no-recipient-check'), { recursive: true });
    const mainCf = await readFile(join(dir, 'no-recipient-check', 'main.cf'), 'utf8');
    await writeFile(join(dir, 'no-recipient-check', 'main.cf'), `${mainCf}local_recipient_maps =\n`);
    const open = await lint('no-recipient-check');
    assert.ok(open.some((f) => f.startsWith('warning local-domain-without-recipients main.cf:')), open.join('\n'));
    assert.ok(!(await lint('debian-default')).some((f) => f.includes('local-domain-without-recipients')));
  });

  it('refuses --online with --from: an imported hostname is not where the policy listens', async () => {
    const result = await runCli(['lint', '--from', 'postfix', 'debian-default', '--online'], { cwd: dir });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--online checks a policy's listeners; with --from use 'smtppolicy import'/);
  });

  it('refuses a main.cf line that is not name = value, with file:line:column', async () => {
    await cp(join(dir, 'debian-default'), join(dir, 'broken-main'), { recursive: true });
    await writeFile(join(dir, 'broken-main', 'main.cf'), 'myhostname = mail.example.org\nsmtpd_tls_security_level may\n');
    const result = await runCli(['import', 'postfix', 'broken-main'], { cwd: dir });
    assert.equal(result.code, 1);
    assert.equal(result.stderr, "smtppolicy import: broken-main/main.cf:2:26: expected '=' after the parameter name 'smtpd_tls_security_level'\n");
  });

  it('refuses a master.cf service with too few fields, and an unknown service type', async () => {
    await cp(join(dir, 'debian-default'), join(dir, 'broken-master'), { recursive: true });
    await writeFile(join(dir, 'broken-master', 'master.cf'), 'smtp inet n - y -\n');
    const short = await runCli(['lint', '--from', 'postfix', 'broken-master'], { cwd: dir });
    assert.equal(short.code, 1);
    assert.equal(short.stderr, 'smtppolicy lint: broken-master/master.cf:1:18: expected 8 fields (service type private unpriv chroot wakeup maxproc command), found 6: the maxproc field is missing\n');
    await writeFile(join(dir, 'broken-master', 'master.cf'), 'smtp inet n - y - - smtpd\nrelay  tcp - - y - - smtp\n');
    const type = await runCli(['import', 'postfix', 'broken-master'], { cwd: dir });
    assert.equal(type.code, 1);
    assert.equal(type.stderr, 'smtppolicy import: broken-master/master.cf:2:8: expected a service type (inet, unix, unix-dgram, fifo, pass), found \'tcp\'\n');
  });

  it('says which directory is not a Postfix configuration', async () => {
    const result = await runCli(['import', 'postfix', 'nowhere'], { cwd: dir });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /nowhere is not a directory/);
  });
});

const EXPECTED: Record<string, string[]> = {
  'debian-default': [
    // 127.0.0.0/8 and [::ffff:127.0.0.0]/104 are the same addresses
    'warning duplicate-entry main.cf:43',
    // smtpd_tls_protocols is left at Postfix's >=TLSv1: shown at the service it applies to
    'warning tls-min-version-too-low master.cf:12',
  ],
  'submission-sasl': [
    // main.cf asks TLS 1.2 of both services; PLAIN and LOGIN only after STARTTLS: nothing else
    'warning duplicate-entry main.cf:48',
  ],
  'open-relay-mynetworks': [
    // the line that makes it an open relay, in the table mynetworks names
    'error open-relay trusted-networks.cidr:4',
    'warning shadowed-entry main.cf:44',
    'warning shadowed-entry trusted-networks.cidr:2',
    'warning tls-min-version-too-low master.cf:12',
  ],
};
