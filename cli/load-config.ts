// Commands that run a policy (explain, serve, verify, queue) accept either a .smtppolicy
// entry, compiled in memory, or a runtime config JSON. Both end as the same RuntimeConfig.

import { resolve } from 'node:path';
import { formatPretty, hasErrors, type Report } from '../compiler/index.js';
import { checkEntries } from './check-entries.js';
import { ConfigError, loadRuntimeConfig, plainCopy, type RuntimeConfig } from '../runtime/config/index.js';
import { UsageError, type CliIo } from './command.js';
import { SEMANTIC, SYNTAX } from '../grammar/index.js';

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

export interface LoadOptions {
  /**
   * Lint rule findings (open-relay, …) do not stop loading, only errors of the text and its
   * values do: `explain` shows what a policy means as written, including the sessions its
   * findings name. `serve` and `verify` never set it.
   */
  allowRuleErrors?: boolean;
}

export async function loadPolicyOrConfig(path: string, cwd: string, options: LoadOptions = {}): Promise<LoadedConfig> {
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
  const blocking = options.allowRuleErrors ? report.diagnostics.filter((d) => d.ruleId === SYNTAX || d.ruleId === SEMANTIC) : report.diagnostics;
  if (hasErrors(blocking)) throw new PolicyHasErrors(report);
  const { model } = results[0]!;
  // As plain data, the same as a config JSON gives: the compiler's address items hold their
  // syntax nodes and spell `cidr` and `source` on each read (compiler/cidr-entry-item.ts),
  // which a server would do on every decision it logs, and would keep the policy's syntax
  // tree alive for as long as it runs.
  return { config: plainCopy(model.config), baseDir: model.baseDir, report };
}

/**
 * The policy of a command that runs one against servers (`explain`, `verify`), or null when
 * there is nothing to run: the policy has errors (the report is printed) or declares no
 * server (a file of shared lists is an include, as compile and serve say it too). The
 * command then exits 1.
 */
export async function loadRunnablePolicy(command: string, path: string, io: CliIo, options: LoadOptions = {}): Promise<LoadedConfig | null> {
  let loaded;
  try {
    loaded = await loadPolicyOrConfig(path, io.cwd, options);
  } catch (error) {
    if (!(error instanceof PolicyHasErrors)) throw error;
    io.stderr.write(formatPretty(error.report, { color: Boolean(io.stderr.isTTY) && !io.env.NO_COLOR }));
    io.stderr.write(`smtppolicy ${command}: the policy has errors\n`);
    return null;
  }
  if (loaded.config.servers.length === 0) {
    io.stderr.write(`smtppolicy ${command}: ${path} declares no server: nothing to ${command} (is it an include file?)\n`);
    return null;
  }
  return loaded;
}
