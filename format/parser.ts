// The parser of the prettier plugin: grammar/'s parse(), refusing text with syntax errors
// (formatting a partial tree would lose what the parser skipped). Invalid values are fine:
// they are printed as written. Comments are given their places here, while the text is at hand.

import type { Parser } from 'prettier';
import { parse, type PolicyFile, SYNTAX } from '../grammar/index.js';
import { attachComments } from './attach.js';
import { repairRanges } from './extents.js';
import { registerAttachments } from './registry.js';
import { end, start, type Spanned } from './shape.js';
import { PolicySyntaxError } from './syntax-error.js';

export const AST_FORMAT = 'smtppolicy';

export const parser: Parser<PolicyFile> = {
  astFormat: AST_FORMAT,
  parse(text, options) {
    const { ast, diagnostics } = parse(text, options.filepath ?? '<input>');
    const errors = diagnostics.filter((d) => d.ruleId === SYNTAX);
    if (errors.length > 0) throw new PolicySyntaxError(errors);
    repairRanges(ast, text);
    registerAttachments(ast, attachComments(ast, text));
    return ast;
  },
  locStart: (node: Spanned) => start(node),
  locEnd: (node: Spanned) => end(node),
};
