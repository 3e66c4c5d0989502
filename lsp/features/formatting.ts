// Formatting through format/ (the prettier plugin), with the same configuration lookup as
// `smtppolicy fmt`, so the editor and the command line agree byte for byte wherever the
// project says how to indent (.prettierrc, .editorconfig). Where it does not, the editor's
// own tab size and tabs-or-spaces apply, as users expect of a formatter in their editor.
// A file with syntax errors is not formatted: NotFormattedError says why.

import type { CancellationToken, FormattingOptions, TextEdit } from 'vscode-languageserver';
import type { Options } from 'prettier';
import { LineIndex } from '../../grammar/index.js';
import { toLspRange } from '../convert.js';
import type { Formatter } from '../formatter.js';

export interface FormattingEnvironment {
  /** Prettier options for a file (.prettierrc, .editorconfig), as `smtppolicy fmt` finds them. */
  resolveConfig(path: string): Promise<Options | null>;
  formatter: Formatter;
}

export async function formatDocument(
  text: string,
  path: string,
  editor: Pick<FormattingOptions, 'tabSize' | 'insertSpaces'> | undefined,
  env: FormattingEnvironment,
  token?: CancellationToken,
): Promise<TextEdit[]> {
  const config = (await env.resolveConfig(path)) ?? {};
  const fromEditor: Options = editor ? { tabWidth: editor.tabSize, useTabs: !editor.insertSpaces } : {};
  const formatted = await env.formatter.format(text, { ...fromEditor, ...config, filepath: path }, token);
  if (formatted === text) return [];
  return [{ range: toLspRange(new LineIndex(text).range(0, text.length)), newText: formatted }];
}
