// A policy text (or an example) compiled to its runtime config, for the target tests.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileToRuntimeConfig, hasErrors } from '../../compiler/index.js';
import type { RuntimeConfig } from '../../runtime/config/index.js';

export async function configOf(path: string, baseDir?: string): Promise<RuntimeConfig> {
  const { config, diagnostics } = await compileToRuntimeConfig(path, baseDir === undefined ? {} : { baseDir });
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (hasErrors(diagnostics)) throw new Error(`${path}: ${errors.map((d) => `${d.range.start.line}:${d.range.start.column} ${d.message}`).join('; ')}`);
  return config;
}

export async function configOfText(text: string): Promise<RuntimeConfig> {
  const dir = await mkdtemp(join(tmpdir(), 'smtppolicy-targets-'));
  const path = join(dir, 'policy.smtppolicy');
  await writeFile(path, text);
  return configOf(path);
}
