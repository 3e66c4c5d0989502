// What `import postfix` and `lint --from postfix` share: reading a Postfix directory into a
// policy (errors in its files become usage-style one-liners with file:line:column), and
// moving lint's findings on that policy back to the Postfix settings they came from.
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Diagnostic } from '../grammar/index.js';
import { importPostfix, PostfixSyntaxError, type ImportedPolicy } from '../import/index.js';
import { UsageError } from './command.js';

export const FROM = ['postfix'] as const;

export class PostfixImportError extends Error {}

export async function readPostfixDirectory(directory: string, cwd: string): Promise<ImportedPolicy> {
  const absolute = resolve(cwd, directory);
  const info = await stat(absolute).catch(() => null);
  if (!info?.isDirectory()) throw new UsageError(`${directory} is not a directory (expected a Postfix configuration directory, such as /etc/postfix)`);
  try {
    return await importPostfix({ directory: absolute, displayDirectory: directory });
  } catch (error) {
    if (error instanceof PostfixSyntaxError) throw new PostfixImportError(error.message);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EACCES') throw new UsageError(`cannot read ${(error as NodeJS.ErrnoException).path ?? directory}: ${(error as Error).message}`);
    throw error;
  }
}

function lineRange(text: string, line: number, column: number): Diagnostic['range'] {
  const lines = text.split('\n');
  let offset = 0;
  for (let i = 0; i < line - 1 && i < lines.length; i++) offset += lines[i]!.length + 1;
  const length = (lines[line - 1] ?? '').length;
  return {
    start: { offset: offset + column - 1, line, column },
    end: { offset: offset + length, line, column: length + 1 },
  };
}

/**
 * Each finding on the imported policy, shown at the Postfix setting its line came from, with
 * the policy line as a related location (fixes are dropped: they edit the policy, not Postfix's
 * files). A finding on a line with no Postfix origin stays on the imported policy.
 */
export function mapToPostfix(diagnostics: readonly Diagnostic[], policyFile: string, imported: ImportedPolicy): Diagnostic[] {
  const policyLines = imported.text.split('\n');
  return diagnostics.map((d) => {
    if (d.file !== policyFile) return d;
    const origin = imported.origins[d.range.start.line - 1];
    if (!origin) return d;
    const text = imported.sources.get(origin.file) ?? '';
    const { fix: _fix, ...rest } = d;
    return {
      ...rest,
      file: origin.file,
      range: lineRange(text, origin.line, origin.column),
      related: [...(d.related ?? []), { file: policyFile, range: d.range, message: `imported as: ${policyLines[d.range.start.line - 1]?.trim() ?? ''}` }],
    };
  });
}
