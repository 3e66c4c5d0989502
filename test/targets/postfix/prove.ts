// The proof of `compile --target postfix`, shared by the test files beside it: each policy
// is translated and run on a real Postfix, then probed with `smtppolicy verify`: every probe
// that applies passes, and every skipped probe says why. One Postfix serves a whole test
// file, reloaded for each policy (a start costs seconds, a reload much less); the policies
// are spread over several files so that each stays well under 30 seconds.
//
// Runs on Node 24 only (the full scope): Postfix is an external program that runs for
// seconds (scripts/node-builds.txt, .ci/node-matrix.sh).
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RuntimeConfig } from '../../../runtime/config/index.js';
import { makeCertificate, type TestCertificate } from '../../helpers/certificates.js';
import { postfixDirectory, postfixUnavailable, type PostfixDirectory } from '../../helpers/postfix.js';
import { runVerify } from '../../verify/cli-harness.js';
import { onLoopback } from '../loopback.js';
import { PostfixDeployer } from './deployment.js';

/** Every host name the proved policies use: the one test certificate names them all. */
const HOSTNAMES = ['mx.example.test', 'mail.example.test', 'internal.example.test', 'mail.contoso.example', 'internal-mail.contoso.example', 'mx.contoso.example', 'gateway.contoso.example'];

export function provePolicies(title: string, policies: Record<string, () => Promise<RuntimeConfig>>): void {
  describe(title, { timeout: 600_000 }, () => {
    let postfix: PostfixDirectory | undefined;
    let deployer: PostfixDeployer | undefined;
    let certificate: TestCertificate;

    before(async () => {
      const unavailable = postfixUnavailable();
      if (unavailable) {
        if (process.env.CI === 'true') throw new Error(unavailable);
        return;
      }
      postfix = await postfixDirectory('smtppolicy-target-postfix-');
      deployer = new PostfixDeployer(postfix);
      certificate = makeCertificate({ commonName: HOSTNAMES[0]!, altNames: HOSTNAMES, dir: postfix.dir, name: 'test-certificate' });
    });
    after(async () => {
      await deployer?.stop();
      await postfix?.remove();
    });

    for (const [name, load] of Object.entries(policies)) {
      it(name, { timeout: 90_000 }, async (t) => {
        if (!postfix || !deployer) return t.skip(postfixUnavailable() ?? 'Postfix is not available');
        const moved = await onLoopback(await load(), certificate, postfix.dir);
        await deployer.deploy(moved);
        const configPath = join(postfix.dir, `${name.replace(/\W+/g, '-')}.json`);
        await writeFile(configPath, JSON.stringify(moved));
        // a verify that hangs fails here, with what Postfix logged, rather than at the test's
        // timeout; a minute, because verify on a machine running the whole suite has taken 20 s
        let timer: NodeJS.Timeout | undefined;
        const stalled = new Promise<never>((_, reject) => {
          timer = setTimeout(() => void postfix!.logTail(40).then((log) => reject(new Error(`verify did not finish within 60 s; Postfix logged:\n${log}`))), 60_000);
        });
        const result = await Promise.race([runVerify([configPath, '--format', 'json', '--timeout', '5s']), stalled]).finally(() => clearTimeout(timer));
        const report = result.report;
        assert.ok(report, `no JSON report: ${result.stderr}`);
        const failed = report.probes.filter((p) => p.status === 'fail').map((p) => `${p.id}: expected ${p.expected}; observed ${p.observed}\n  ${(p.transcript ?? []).join('\n  ')}`);
        assert.deepEqual(failed, [], await postfix.logTail(30));
        assert.equal(result.code, 0);
        // on loopback, a policy whose lists admit no loopback address can only be probed for its refusal
        assert.ok(report.summary.pass >= 1, 'no probe ran and passed');
        for (const probe of report.probes) {
          if (probe.status === 'skipped') assert.ok(probe.reason && probe.reason.length > 10, `${probe.id} is skipped without a reason`);
        }
      });
    }
  });
}
