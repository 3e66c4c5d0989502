// Checks several entry files and merges what they found into one report. A file included
// by two entries is checked twice but each finding is reported once.

import type { Diagnostic } from '../grammar/index.js';
import { type CheckOptions, checkPolicy, type CheckResult, EntryNotReadableError, type Report } from '../compiler/index.js';
import { UsageError } from './command.js';

export interface CheckedEntries {
  report: Report;
  results: CheckResult[];
}

export async function checkEntries(entries: string[], options: CheckOptions): Promise<CheckedEntries> {
  const sources = new Map<string, string>();
  const seen = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  const results: CheckResult[] = [];
  for (const entry of entries) {
    let result: CheckResult;
    try {
      result = await checkPolicy(entry, options);
    } catch (error) {
      if (error instanceof EntryNotReadableError) throw new UsageError(error.message);
      throw error;
    }
    results.push(result);
    for (const file of result.files) sources.set(file.displayName, file.text);
    for (const d of result.diagnostics) {
      const key = `${d.file}\0${d.range.start.offset}\0${d.range.end.offset}\0${d.ruleId}\0${d.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      diagnostics.push(d);
    }
  }
  return { report: { diagnostics, sources }, results };
}
