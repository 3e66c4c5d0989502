// Formatting through format/ (the prettier plugin), with the same configuration lookup as
// `smtppolicy fmt`, so the editor and the command line agree byte for byte. A file with
// syntax errors is left alone: its diagnostics already say what to fix.

import type { TextEdit } from 'vscode-languageserver';
import type { Options } from 'prettier';
import { formatPolicy, PolicySyntaxError } from '../../format/format.js';
import { LineIndex } from '../../grammar/positions.js';
import { toLspRange } from '../convert.js';

export interface FormattingEnvironment {
  /** Prettier options for a file (.prettierrc, .editorconfig), as `smtppolicy fmt` finds them. */
  resolveConfig(path: string): Promise<Options | null>;
}

export async function formatDocument(text: string, path: string, env: FormattingEnvironment): Promise<TextEdit[]> {
  const config = (await env.resolveConfig(path)) ?? {};
  let formatted: string;
  try {
    formatted = await formatPolicy(text, { ...config, filepath: path });
  } catch (error) {
    if (error instanceof PolicySyntaxError) return [];
    throw error;
  }
  if (formatted === text) return [];
  return [{ range: toLspRange(new LineIndex(text).range(0, text.length)), newText: formatted }];
}
