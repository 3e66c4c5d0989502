// Argument parsing on node's own util.parseArgs, with errors turned into UsageError
// (one line, exit 2) instead of a stack trace.

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './command.js';

export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    // node's messages are good but long ("Unknown option '--x'. To specify a positional…"): keep the first sentence.
    const message = error instanceof Error ? error.message.split('. ')[0]!.replace(/\.$/, '') : String(error);
    throw new UsageError(message);
  }
}
