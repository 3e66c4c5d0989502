// smtppolicy/prettier: the prettier plugin for .smtppolicy files.
//   npx prettier --plugin=smtppolicy/prettier --write "**/*.smtppolicy"

import type { Plugin, SupportLanguage } from 'prettier';
import { AST_FORMAT, parser } from './parser.js';
import { printer } from './printer.js';

export const languages: SupportLanguage[] = [
  {
    name: 'smtppolicy',
    parsers: ['smtppolicy'],
    extensions: ['.smtppolicy'],
    vscodeLanguageIds: ['smtppolicy'],
  },
];

export const parsers = { smtppolicy: parser };

export const printers = { [AST_FORMAT]: printer };

/** The canonical style: 2-space indentation with spaces (a project's prettier config may still override). */
export const defaultOptions = { tabWidth: 2, useTabs: false };

const plugin: Plugin = { languages, parsers, printers, defaultOptions };
export default plugin;
