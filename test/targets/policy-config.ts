// A policy text (or an example) compiled to its runtime config, for the target tests.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileToRuntimeConfig } from '../../compiler/index.js';
import type { RuntimeConfig } from '../../runtime/config/index.js';

/**
 * The config of a policy; throws on any error, or with `lintErrors: 'allowed'` only on errors
 * of the language itself (a round trip may lose what a rule wants, as the report says).
 */
export async function configOf(path: string, baseDir?: string, lintErrors: 'refused' | 'allowed' = 'refused'): Promise<RuntimeConfig> {
  const { config, diagnostics } = await compileToRuntimeConfig(path, baseDir === undefined ? {} : { baseDir });
  const errors = diagnostics.filter((d) => d.severity === 'error' && (lintErrors === 'refused' || d.ruleId === 'syntax' || d.ruleId === 'semantic'));
  if (errors.length > 0) throw new Error(`${path}: ${errors.map((d) => `${d.range.start.line}:${d.range.start.column} ${d.message}`).join('; ')}`);
  return config;
}

/** The config of a policy text; `lintErrors` as for configOf (generated policies may break a rule on purpose). */
export async function configOfText(text: string, lintErrors: 'refused' | 'allowed' = 'refused'): Promise<RuntimeConfig> {
  const dir = await mkdtemp(join(tmpdir(), 'smtppolicy-targets-'));
  const path = join(dir, 'policy.smtppolicy');
  await writeFile(path, text);
  try {
    return await configOf(path, undefined, lintErrors);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
