// Document links: the files a policy names (include, certificate, key, password files,
// spool and maildir folders), opened relative to the policy as the compiler reads them, and
// each rule id in a suppression comment, linked to the rule's page.

import { dirname, resolve } from 'node:path';
import type { DocumentLink } from 'vscode-languageserver';
import type { SourceFile } from '../../compiler/index.js';
import { forEachNode, LineIndex } from '../../grammar/index.js';
import { pathToUri, toLspRange } from '../convert.js';
import type { RuleCatalog } from '../rule-catalog.js';

const PATH_KEYWORDS = new Set(['include', 'certificate', 'key', 'file', 'spool', 'maildir']);
// The rule ids: everything between the directive and the ` --` before the reason.
const SUPPRESSION = /^#\s*smtppolicy-ignore\s+(.*?)(?=\s--|$)/;

export function documentLinks(file: SourceFile, rules: RuleCatalog): DocumentLink[] {
  const links: DocumentLink[] = [];
  forEachNode(file.ast, (node, ancestors) => {
    if (node.kind !== 'String' || typeof node.value !== 'string' || node.value === '') return;
    const keyword = (ancestors.at(-1)?.keyword as { text?: unknown } | undefined)?.text;
    if (typeof keyword !== 'string' || !PATH_KEYWORDS.has(keyword)) return;
    const target = resolve(dirname(file.path), node.value);
    links.push({ range: toLspRange(node.range), target: pathToUri(target), tooltip: target });
  });
  const lines = new LineIndex(file.text);
  for (const comment of file.ast.comments) {
    const ids = SUPPRESSION.exec(comment.text);
    if (!ids) continue;
    const idsStart = comment.range.start.offset + ids[0].length - ids[1]!.length;
    for (const match of ids[1]!.matchAll(/[^\s,]+/g)) {
      // Only known rules: a typo gets an invalid-suppression error, not a link to nowhere.
      const href = rules.get(match[0]) ? rules.docsUrl(match[0]) : undefined;
      if (!href) continue;
      const start = idsStart + match.index!;
      links.push({ range: toLspRange(lines.range(start, start + match[0].length)), target: href, tooltip: `the ${match[0]} rule` });
    }
  }
  return links;
}
