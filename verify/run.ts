// Runs the probes one after another (a server's per-address limits and login throttling
// must not see verify as a flood) and collects their results.
import type { RuntimeConfig } from '../runtime/config/types.js';
import { planProbes, selectedEndpoints } from './plan.js';
import { checkReachable, checkSourcesBindable } from './preflight.js';
import { ProbeSessions, VerifyContext, type Probe } from './probe.js';
import { describeSessionError } from './smtp-client.js';
import { summarize, type ProbeResult, type VerifyOptions, type VerifyReport } from './types.js';

export async function runProbe(context: VerifyContext, probe: Probe): Promise<ProbeResult> {
  const sessions = new ProbeSessions(context);
  let result: ProbeResult;
  try {
    const outcome = await probe.run(sessions);
    result = {
      id: probe.id,
      title: probe.title,
      status: outcome.status,
      expected: outcome.expected,
      observed: outcome.observed,
      source: outcome.source === undefined ? probe.source : (outcome.source ?? probe.source),
      ...(outcome.reason === undefined ? {} : { reason: outcome.reason }),
    };
  } catch (error) {
    result = {
      id: probe.id,
      title: probe.title,
      status: 'fail',
      // the session broke before the probe could ask the policy: there is no expectation to show
      expected: 'not reached: the SMTP session failed before the check',
      observed: describeSessionError(error),
      source: probe.source,
    };
  }
  await sessions.closeAll();
  if (result.status === 'fail') result.transcript = sessions.transcript();
  return result;
}

/**
 * Throws UnknownServerError (--server), SourceNotLocalError (--source) or
 * TargetUnreachableError (nothing listens where verify connects) before any probe runs.
 */
export async function verifyServers(config: RuntimeConfig, options: VerifyOptions): Promise<VerifyReport> {
  const context = new VerifyContext(config, options);
  await checkSourcesBindable(options.sources ?? []);
  await checkReachable(selectedEndpoints(context), options.timeoutMs);
  const probes = await planProbes(context);
  const results: ProbeResult[] = [];
  for (const probe of probes) results.push(await runProbe(context, probe));
  return { target: options.target ?? null, server: options.serverName ?? null, summary: summarize(results), probes: results };
}
