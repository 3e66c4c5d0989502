// compile --target opensmtpd, proven on a real OpenSMTPD (Debian's 6.8): every example, the
// first policies of the generated set (../generated-policies.ts, the same seed as Postfix's)
// and two written by hand (direct delivery with a route, two servers) are translated, run by
// smtpd on loopback and probed with `smtppolicy verify`: every probe that applies passes,
// every skipped probe says why, and a probe that fails only where the translation reported
// an approximation for what it tests is listed as skipped with the report's note
// (../approximations.ts). smtpd's queue and control socket are fixed paths, so this is the only test file
// that starts it, one policy at a time (smtpd 6.8 cannot reload: each policy is a new start).
//
// Runs on Node 24 only (the full scope): OpenSMTPD is an external program that runs for
// seconds (scripts/node-builds.txt, .ci/node-matrix.sh).
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import type { RuntimeConfig } from '../../../runtime/config/index.js';
import { NO_MAILBOXES, translateToOpenSmtpd } from '../../../targets/index.js';
import { makeCertificate, type TestCertificate } from '../../helpers/certificates.js';
import { OpenSmtpd, opensmtpdTlsDefect, opensmtpdUnavailable } from '../../helpers/opensmtpd.js';
import { runVerify } from '../../verify/cli-harness.js';
import { onLoopback } from '../loopback.js';
import { describeApproximation, excusingApproximation } from '../approximations.js';
import { generatedShapes, policyText, shapeTitle, uncovered, PROOF_SEED } from '../generated-policies.js';
import { configOf, configOfText } from '../policy-config.js';
import { HAND_WRITTEN_POLICIES } from '../hand-written-policies.js';

/** Every host name the proved policies use: the one test certificate names them all. */
const HOSTNAMES = ['mx.example.test', 'mail.example.test', 'internal.example.test', 'mail.contoso.example', 'internal-mail.contoso.example', 'mx.contoso.example', 'gateway.contoso.example'];

const EXAMPLES = ['quickstart', 'submission-server', 'partner-relay', 'internal-challenge-response', 'domain-connection-control'];

/** Each policy is a fresh smtpd (about 3 s): 5 generated ones keep the file near a minute. */
const SHAPES = generatedShapes(5);

it(`the generated set's first ${SHAPES.length} (seed ${PROOF_SEED}) reach every dimension it varies`, () => {
  assert.deepEqual(uncovered(SHAPES), []);
});

describe('compile --target opensmtpd on a real OpenSMTPD, probed by smtppolicy verify', { timeout: 120_000 }, () => {
  const smtpd = new OpenSmtpd();
  let dir: string;
  let certificate: TestCertificate;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'smtppolicy-target-opensmtpd-'));
    certificate = makeCertificate({ commonName: HOSTNAMES[0]!, altNames: HOSTNAMES, dir, name: 'test-certificate' });
  });
  after(async () => {
    await smtpd.stop();
    await rm(dir, { recursive: true, force: true });
  });

  /** `text`: a generated policy's, printed on failure so that it can be replayed. */
  const prove = (name: string, load: () => Promise<RuntimeConfig>, text?: string) =>
    it(name, { timeout: 60_000 }, async (t) => {
      const unavailable = opensmtpdUnavailable();
      if (unavailable) {
        if (process.env.CI === 'true') throw new Error(unavailable);
        return t.skip(unavailable);
      }
      try {
        await proveOne(t, name, await load());
      } catch (error) {
        if (text === undefined) throw error;
        throw new Error(`${(error as Error).message}\n--- the policy ---\n${text}`, { cause: error });
      }
    });

  async function proveOne(t: TestContext, name: string, config: RuntimeConfig): Promise<void> {
    const policyDir = join(dir, name.replace(/\W+/g, '-').slice(0, 80));
    await mkdir(policyDir, { recursive: true });
    const moved = await onLoopback(config, certificate, policyDir);
    // the examples' mailbox lists are files of the mail host (/etc/smtppolicy/…), absent here;
    // verify probes postmaster and a local part no list holds, which need none of them.
    // Mail would be delivered as `nobody` (verify sends none).
    const output = translateToOpenSmtpd(moved, { directory: policyDir, mailboxes: NO_MAILBOXES, deliveryUser: 'nobody' });
    for (const [file, text] of output.files) {
      await mkdir(dirname(join(policyDir, file)), { recursive: true });
      await writeFile(join(policyDir, file), text);
    }
    const configPath = join(policyDir, 'policy.json');
    await writeFile(configPath, JSON.stringify(moved));
    await smtpd.start(join(policyDir, 'smtpd.conf'), moved.servers.flatMap((s) => s.listen.map((l) => l.port)));
    try {
      // smtpd looks every client's address up (system resolver) before it greets; now and
      // then a lost DNS packet costs the resolver's 5 s retry, so replies get 12 s
      const result = await runVerify([configPath, '--format', 'json', '--timeout', '12s']);
      const report = result.report;
      assert.ok(report, `no JSON report: ${result.stderr}`);
      // Debian 12's smtpd cannot complete a TLS handshake (opensmtpdTlsDefect): a probe that
      // failed only there is not a failure of the translation, and is listed as skipped
      const tlsDefect = opensmtpdTlsDefect();
      const brokenByDefect = (p: { observed: string }) => tlsDefect !== undefined && /TLS handshake failed/.test(p.observed);
      const excused = (p: { id: string }) => excusingApproximation(p.id, output.findings);
      const failed = report.probes.filter((p) => p.status === 'fail' && !brokenByDefect(p) && !excused(p)).map((p) => `${p.id}: expected ${p.expected}; observed ${p.observed}\n  ${(p.transcript ?? []).join('\n  ')}`);
      assert.deepEqual(failed, [], `${output.files.get('smtpd.conf')}\n${smtpd.logTail(30)}`);
      const skippedForDefect = report.probes.filter((p) => p.status === 'fail' && brokenByDefect(p)).map((p) => p.id);
      const approximate = report.probes.filter((p) => p.status === 'fail' && !brokenByDefect(p) && excused(p));
      if (skippedForDefect.length > 0) t.diagnostic(`not proved, ${tlsDefect}: ${skippedForDefect.join(', ')}`);
      for (const probe of approximate) t.diagnostic(`skipped ${probe.id}: ${describeApproximation(excused(probe)!)}`);
      if (skippedForDefect.length === 0 && approximate.length === 0) assert.equal(result.code, 0);
      assert.ok(report.summary.pass >= 1, 'no probe ran and passed');
      for (const probe of report.probes) {
        if (probe.status === 'skipped') assert.ok(probe.reason && probe.reason.length > 10, `${probe.id} is skipped without a reason`);
      }
    } finally {
      await smtpd.stop();
    }
  }

  for (const example of EXAMPLES) prove(`examples/${example}.smtppolicy`, () => configOf(`examples/${example}.smtppolicy`));
  for (const [title, text] of Object.entries(HAND_WRITTEN_POLICIES)) prove(title, () => configOfText(text));
  // lint errors allowed: a generated policy may offer basic auth without TLS, which lint
  // reports and the MTA must still run as written
  for (const [i, shape] of SHAPES.entries()) {
    const text = policyText(shape);
    prove(shapeTitle(shape, i), () => configOfText(text, 'allowed'), text);
  }
});
