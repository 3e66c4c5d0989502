// Policies for the review tests, compiled in memory from texts (no files, no lint: the
// tests are about what a policy means, and lint findings do not change that).

import { relative } from 'node:path';
import { checkPolicy } from '../../compiler/index.js';
import { diffPolicies, SideTexts, type DiffReport } from '../../review/index.js';
import type { RuntimeConfig } from '../../runtime/config/index.js';

const ROOT = '/virtual-review';

export interface CompiledSide {
  config: RuntimeConfig;
  texts: Map<string, string>;
}

/** Files by name (relative to one directory); the entry is `policy.smtppolicy` unless given. */
export async function compileTexts(files: Record<string, string>, entry = 'policy.smtppolicy'): Promise<CompiledSide> {
  const readText = async (absolute: string) => {
    const text = files[relative(ROOT, absolute)];
    if (text === undefined) throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
    return text;
  };
  const result = await checkPolicy(entry, { cwd: ROOT, baseDir: ROOT, readText, lint: false });
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(errors.map((d) => `${d.file}:${d.range.start.line}:${d.range.start.column} ${d.message}`).join('\n'));
  return { config: result.model.config, texts: new Map(result.files.map((f) => [f.displayName, f.text])) };
}

export async function reviewTexts(before: Record<string, string>, after: Record<string, string>): Promise<DiffReport> {
  const old = await compileTexts(before);
  const now = await compileTexts(after);
  return {
    diff: diffPolicies(old.config, now.config),
    before: { label: 'before', texts: new SideTexts(old.texts) },
    after: { label: 'after', texts: new SideTexts(now.texts) },
  };
}

/** A one-server policy: `body` goes inside the server block after listen and hostname. */
export function server(body: string, listen = '0.0.0.0:25'): string {
  return `server mx {\n  listen ${listen}\n  hostname mx.example.test\n  local-domains example.test\n${body}\n}\n`;
}
