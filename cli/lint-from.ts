// `smtppolicy lint --from postfix DIR`: lint an existing Postfix installation. Its policy is
// what `import postfix` writes, checked in memory (never written), and every finding is
// reported at the Postfix setting (file:line) its policy line came from.
import { join, resolve } from 'node:path';
import { readDecodedFromDisk, type Report } from '../compiler/index.js';
import { checkEntries } from './check-entries.js';
import { UsageError } from './command.js';
import { FROM, mapToPostfix, PostfixImportError, readPostfixDirectory } from './postfix-import.js';

/** The imported policy's name in reports: beside the configuration it came from. */
export function importedPolicyName(directory: string): string {
  return join(directory, '(imported).smtppolicy');
}

export async function lintFrom(from: string, positionals: string[], options: { cwd: string; lint: object }): Promise<Report | { error: string }> {
  if (!(FROM as readonly string[]).includes(from)) throw new UsageError(`--from: cannot read '${from}' (expected ${FROM.join(', ')})`);
  if (positionals.length !== 1) throw new UsageError(`expected one directory: smtppolicy lint --from ${from} <DIR>`);
  const directory = positionals[0]!;
  let imported;
  try {
    imported = await readPostfixDirectory(directory, options.cwd);
  } catch (error) {
    if (error instanceof PostfixImportError) return { error: error.message };
    throw error;
  }
  const policyFile = importedPolicyName(directory);
  const entry = resolve(options.cwd, policyFile);
  const { report } = await checkEntries(
    [policyFile],
    { ...options, readText: async (path) => (path === entry ? imported.text : (await readDecodedFromDisk(path)).text) },
    () => undefined,
  );
  const sources = new Map([...report.sources, ...imported.sources]);
  return { diagnostics: mapToPostfix(report.diagnostics, policyFile, imported), sources };
}
