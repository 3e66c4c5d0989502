// Commands that run a policy (explain, serve, verify, queue) accept either a .smtppolicy
// entry, compiled in memory, or a runtime config JSON. Both end as the same RuntimeConfig.

import { resolve } from 'node:path';
import type { Report } from '../compiler/report/report.js';
import { checkEntries } from './check-entries.js';
import { hasErrors } from '../compiler/index.js';
import { ConfigError, loadRuntimeConfig } from '../runtime/config/index.js';
import type { RuntimeConfig } from '../runtime/config/types.js';
import { UsageError } from './command.js';

export interface LoadedConfig {
  config: RuntimeConfig;
  /** Absolute directory the config's relative paths are read against. */
  baseDir: string;
  /** Diagnostics of a compiled policy (warnings; errors make loading fail). */
  report: Report | null;
}

/** Thrown when a policy has errors: the caller prints `report` and exits 1. */
export class PolicyHasErrors extends Error {
  constructor(readonly report: Report) {
    super('the policy has errors');
  }
}

export async function loadPolicyOrConfig(path: string, cwd: string): Promise<LoadedConfig> {
  if (path.endsWith('.json')) {
    try {
      const { config, baseDir } = await loadRuntimeConfig(resolve(cwd, path));
      return { config, baseDir, report: null };
    } catch (error) {
      // the message names the file already
      if (error instanceof ConfigError) throw new UsageError(error.message);
      throw error;
    }
  }
  // Compiled in memory, the config's paths and sources are relative to the working
  // directory: logs and traces then name the policy file as the user typed it.
  const { report, results } = await checkEntries([path], { cwd, baseDir: cwd });
  if (hasErrors(report.diagnostics)) throw new PolicyHasErrors(report);
  const { model } = results[0]!;
  return { config: model.config, baseDir: model.baseDir, report };
}
