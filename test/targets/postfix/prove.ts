// The proof of `compile --target postfix`, shared by the test files beside it: each policy
// is translated and run on a real Postfix, then probed with `smtppolicy verify`: every probe
// that applies passes, every skipped probe says why, and a probe that fails only where the
// translation reported an approximation for what it tests is listed as skipped with the
// report's note (approximations.ts). One Postfix directory serves a whole test file,
// Postfix restarted in it for each policy (deployment.ts says why not reloaded); the
// policies are spread over several files that run side by side.
//
// Runs on Node 24 only (the full scope): Postfix is an external program that runs for
// seconds (scripts/node-builds.txt, .ci/node-matrix.sh).
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import type { RuntimeConfig } from '../../../runtime/config/index.js';
import { makeCertificate, type TestCertificate } from '../../helpers/certificates.js';
import { postfixDirectory, postfixUnavailable, type PostfixDirectory } from '../../helpers/postfix.js';
import { runVerify } from '../../verify/cli-harness.js';
import { describeApproximation, excusingApproximation } from '../approximations.js';
import { onLoopback } from '../loopback.js';
import { PostfixDeployer } from './deployment.js';

/** Every host name the proved policies use: the one test certificate names them all. */
const HOSTNAMES = ['mx.example.test', 'mail.example.test', 'internal.example.test', 'mail.contoso.example', 'internal-mail.contoso.example', 'mx.contoso.example', 'gateway.contoso.example'];

/** A policy to prove: its config, and its text when the test made it (printed on failure, to replay it). */
export type ProvedPolicy = (() => Promise<RuntimeConfig>) | { text: string; load: () => Promise<RuntimeConfig> };

/** `timeoutMs` bounds the whole file's policies (about 3 s each on a quiet machine). */
export function provePolicies(title: string, policies: Record<string, ProvedPolicy>, options: { timeoutMs?: number } = {}): void {
  describe(title, { timeout: options.timeoutMs ?? 600_000 }, () => {
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

    for (const [name, policy] of Object.entries(policies)) {
      const { load, text } = typeof policy === 'function' ? { load: policy, text: undefined } : policy;
      it(name, { timeout: 90_000 }, async (t) => {
        if (!postfix || !deployer) return t.skip(postfixUnavailable() ?? 'Postfix is not available');
        try {
          await prove(t, postfix, deployer, name, await load());
        } catch (error) {
          // a generated policy is known by its text alone: print it, so the failure can be replayed
          if (text === undefined) throw error;
          throw new Error(`${(error as Error).message}\n--- the policy ---\n${text}`, { cause: error });
        }
      });
    }

    async function prove(t: TestContext, postfix: PostfixDirectory, deployer: PostfixDeployer, name: string, config: RuntimeConfig): Promise<void> {
      const moved = await onLoopback(config, certificate, postfix.dir);
      const output = await deployer.deploy(moved);
      const configPath = join(postfix.dir, `${name.replace(/\W+/g, '-').slice(0, 80)}.json`);
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
      const excused = report.probes.filter((p) => p.status === 'fail' && excusingApproximation(p.id, output.findings));
      const failed = report.probes.filter((p) => p.status === 'fail' && !excused.includes(p)).map((p) => `${p.id}: expected ${p.expected}; observed ${p.observed}\n  ${(p.transcript ?? []).join('\n  ')}`);
      assert.deepEqual(failed, [], await postfix.logTail(30));
      for (const probe of excused) t.diagnostic(`skipped ${probe.id}: ${describeApproximation(excusingApproximation(probe.id, output.findings)!)}`);
      if (excused.length === 0) assert.equal(result.code, 0);
      // on loopback, a policy whose lists admit no loopback address can only be probed for its refusal
      assert.ok(report.summary.pass >= 1, 'no probe ran and passed');
      for (const probe of report.probes) {
        if (probe.status === 'skipped') assert.ok(probe.reason && probe.reason.length > 10, `${probe.id} is skipped without a reason`);
      }
    }
  });
}
