// The two sides of `smtppolicy diff`: a policy file (with its includes) as it is on disk,
// or as it is in a git revision (`--git REF`: the entry and every file it includes are read
// with `git show REF:path`, so includes are resolved at that revision too). Each side is
// compiled in memory with the working directory as base, so the lines a diff names read
// the same on both sides.

import { execFile } from 'node:child_process';
import { relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { checkPolicy, EntryNotReadableError, formatPretty, type Report } from '../compiler/index.js';
import { SEMANTIC, SYNTAX } from '../grammar/index.js';
import type { RuntimeConfig } from '../runtime/config/index.js';
import { UsageError, type CliIo } from './command.js';

const run = promisify(execFile);

export interface PolicySide {
  label: string;
  config: RuntimeConfig;
  /** display name → text of every file the side was compiled from. */
  texts: Map<string, string>;
}

/** A side that does not compile: its report is printed, and the diff cannot be made. */
export class SideHasErrors extends Error {
  constructor(
    readonly label: string,
    readonly report: Report,
  ) {
    super(`${label} has errors`);
  }
}

/** A file missing from the revision (the error message a failed include reports). */
class NotInRevision extends Error {}

export async function loadFileSide(path: string, io: CliIo): Promise<PolicySide> {
  return compileSide(path, path, io, undefined);
}

/**
 * The entry as it is in `ref`. An entry that did not exist there (the change adds it) is
 * compared with a policy without servers: everything it allows is new.
 */
export async function loadGitSide(ref: string, path: string, io: CliIo): Promise<PolicySide & { missing: boolean }> {
  const top = await git(io.cwd, ['rev-parse', '--show-toplevel']).catch(() => {
    throw new UsageError(`--git needs a git work tree, and ${io.cwd} is not in one`);
  });
  const commit = await git(io.cwd, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).catch(() => {
    throw new UsageError(`--git: '${ref}' is not a revision of this repository`);
  });
  const readText = async (absolute: string): Promise<string> => {
    const inRepo = relative(top, absolute).split('\\').join('/');
    if (inRepo.startsWith('..')) throw new NotInRevision(`outside the repository, so not in ${ref}`);
    try {
      return await git(io.cwd, ['show', `${commit}:${inRepo}`], false);
    } catch {
      throw new NotInRevision(`not in ${ref}`);
    }
  };
  const label = `${ref}:${path}`;
  try {
    return { ...(await compileSide(path, label, io, readText)), missing: false };
  } catch (error) {
    if (error instanceof UsageError && error.cause instanceof NotInRevision) return { label, config: { ...emptyConfig(), sources: [] }, texts: new Map(), missing: true };
    throw error;
  }
}

async function compileSide(path: string, label: string, io: CliIo, readText: ((absolute: string) => Promise<string>) | undefined): Promise<PolicySide> {
  let result;
  try {
    result = await checkPolicy(path, { cwd: io.cwd, baseDir: io.cwd, ...(readText ? { readText } : {}) });
  } catch (error) {
    if (error instanceof EntryNotReadableError) throw new UsageError(`${label}: ${error.message.replace(/^cannot read [^:]*: /, 'cannot read it: ')}`, { cause: error.reason });
    throw error;
  }
  const texts = new Map(result.files.map((f) => [f.displayName, f.text]));
  // Lint findings (an open relay already there) are what a diff is about, not a reason to stop.
  const blocking = result.diagnostics.filter((d) => d.ruleId === SYNTAX || d.ruleId === SEMANTIC);
  if (blocking.length > 0) throw new SideHasErrors(label, { diagnostics: blocking, sources: texts });
  return { label, config: result.model.config, texts };
}

export function printSideErrors(error: SideHasErrors, io: CliIo, command: 'diff' | 'graph' = 'diff'): void {
  io.stderr.write(formatPretty(error.report, { color: Boolean(io.stderr.isTTY) && !io.env.NO_COLOR }));
  const consequence = command === 'diff' ? 'so there is nothing to compare it with' : 'so there is nothing to draw';
  io.stderr.write(`smtppolicy ${command}: ${error.label} does not compile, ${consequence}\n`);
}

function emptyConfig(): Omit<RuntimeConfig, 'sources'> {
  return {
    version: 1,
    resolver: { servers: [], timeoutMs: 0, reverseZones: [], cache: { maxTtlMs: 0, negativeTtlMs: 0, maxEntries: 0 }, source: null },
    storage: { spool: '', maildir: '' },
    userStores: [],
    admin: null,
    servers: [],
  };
}

async function git(cwd: string, args: string[], trim = true): Promise<string> {
  const { stdout } = await run('git', args, { cwd: resolve(cwd), maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' });
  return trim ? stdout.trim() : stdout;
}
