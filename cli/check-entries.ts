// Checks several entry files and merges what they found into one report. A file included
// by two entries is checked twice but each finding is reported once.

import type { Diagnostic } from '../grammar/index.js';
import { type CheckOptions, checkPolicy, type CheckResult, EntryNotReadableError, type Report } from '../compiler/index.js';
import { UsageError } from './command.js';

export interface CheckedEntries<Kept = CheckResult> {
  report: Report;
  /** What `keep` kept of each entry's check, in the order of the entries. */
  results: Kept[];
}

/**
 * `keep` says what a command needs of each entry's check besides its findings. The result
 * holds the entry's syntax tree and resolved config (hundreds of megabytes for a 50 MB
 * policy): a command that only reports keeps less, so that neither lives on while the next
 * entry is checked and the report is written.
 */
export async function checkEntries(entries: string[], options: CheckOptions): Promise<CheckedEntries>;
export async function checkEntries<Kept>(entries: string[], options: CheckOptions, keep: (result: CheckResult) => Kept): Promise<CheckedEntries<Kept>>;
export async function checkEntries(entries: string[], options: CheckOptions, keep = (result: CheckResult): unknown => result): Promise<CheckedEntries<unknown>> {
  const sources = new Map<string, string>();
  /** The diagnostics reported so far, by file and range. */
  const reported = new Map<string, Diagnostic[]>();
  const diagnostics: Diagnostic[] = [];
  const results: unknown[] = [];
  for (const entry of entries) {
    let result: CheckResult;
    try {
      result = await checkPolicy(entry, options);
    } catch (error) {
      if (error instanceof EntryNotReadableError) throw new UsageError(error.message);
      throw error;
    }
    results.push(keep(result));
    for (const file of result.files) sources.set(file.displayName, file.text);
    for (const d of result.diagnostics) {
      // keyed by place, the message compared only there: a key that spelt every finding's
      // message again cost as much as the findings (100,000 of them in a 50 MB policy)
      const place = `${d.file}\0${d.range.start.offset}\0${d.range.end.offset}`;
      const here = reported.get(place);
      if (here?.some((other) => other.ruleId === d.ruleId && other.message === d.message)) continue;
      if (here) here.push(d);
      else reported.set(place, [d]);
      diagnostics.push(d);
    }
  }
  return { report: { diagnostics, sources }, results };
}
