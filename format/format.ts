// Formatting from code (the CLI, the language server): prettier with this plugin, and a
// check that the result means what the input meant before anyone writes it to disk.

import { format, type Options } from 'prettier';
import { parse } from '../grammar/index.js';
import plugin from './index.js';
import { sameMeaning } from './same-meaning.js';

export { PolicySyntaxError } from './syntax-error.js';
// Block shapes, for the language server's folding and selection ranges.
export { isEntryBlock, isSettingsBlock } from './shape.js';

export type FormatOptions = Omit<Options, 'parser' | 'plugins'>;

/**
 * Formats a policy. Throws PolicySyntaxError when the text has syntax errors (nothing is
 * formatted then), and a plain Error if the output would not mean the same as the input,
 * which would be a bug in the formatter.
 */
export async function formatPolicy(text: string, options: FormatOptions = {}): Promise<string> {
  const formatted = await format(text, { ...options, parser: 'smtppolicy', plugins: [plugin] });
  const file = typeof options.filepath === 'string' ? options.filepath : '<input>';
  const difference = sameMeaning(parse(text, file).ast, parse(formatted, file).ast);
  if (difference !== undefined) {
    throw new Error(`internal error: formatting ${file} would change it (${difference}); the file was left as it is`);
  }
  return formatted;
}
