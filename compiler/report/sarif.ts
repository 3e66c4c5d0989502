// SARIF 2.1.0 for GitHub code scanning (and any SARIF viewer). Every rule is described in
// tool.driver.rules (ids, descriptions, docs links, default level, `security` tags and a
// `security-severity` score for GitHub's severity badges); results point at 1-based
// regions of files relative to %SRCROOT%, and carry a fingerprint that survives lines
// being inserted above the finding (hash of rule, file, the line's text, occurrence).

import { createHash } from 'node:crypto';
import type { Diagnostic, Severity } from '../../grammar/diagnostic.js';
import { LineIndex } from '../../grammar/positions.js';
import type { RuleMeta } from '../lint/rule.js';
import type { Report } from './report.js';
import { docsUrl } from './report.js';

export interface SarifOptions {
  rules: readonly { meta: RuleMeta }[];
  toolVersion: string;
}

/** Characters of a finding's line that go into its fingerprint (the whole of any hand-written line). */
const FINGERPRINT_LINE = 4096;

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };
/** GitHub maps ≥ 7.0 to "high", ≥ 4.0 to "medium", below to "low". */
const SECURITY_SEVERITY: Record<Severity, string> = { error: '8.0', warning: '5.0', info: '2.0' };

const LANGUAGE_RULES: { meta: Pick<RuleMeta, 'id' | 'description' | 'defaultSeverity'> }[] = [
  { meta: { id: 'syntax', description: 'the text is not valid .smtppolicy syntax', defaultSeverity: 'error' } },
  { meta: { id: 'semantic', description: 'an invalid value or name (unknown list, duplicate server, include cycle, …)', defaultSeverity: 'error' } },
];

export function formatSarif(report: Report, options: SarifOptions): string {
  const rules = [...LANGUAGE_RULES, ...options.rules];
  const index = new Map(rules.map((r, i) => [r.meta.id, i]));
  const occurrences = new Map<string, number>();
  const lineText = lineTexts(report.sources);
  const results = report.diagnostics.map((d) => {
    const ruleIndex = index.get(d.ruleId);
    const key = `${d.ruleId}\0${d.file}\0${lineText(d.file, d.range.start.line)}`;
    const occurrence = occurrences.get(key) ?? 0;
    occurrences.set(key, occurrence + 1);
    return {
      ruleId: d.ruleId,
      ...(ruleIndex !== undefined ? { ruleIndex } : {}),
      level: LEVEL[d.severity],
      message: { text: d.message },
      locations: [location(d)],
      partialFingerprints: {
        'smtppolicyFinding/v1': createHash('sha256').update(`${key}\0${occurrence}`).digest('hex'),
      },
      ...(d.related?.length
        ? { relatedLocations: d.related.map((r, i) => ({ id: i, ...location({ file: r.file, range: r.range }), message: { text: r.message } })) }
        : {}),
    };
  });
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'smtppolicy',
            version: options.toolVersion,
            informationUri: 'https://github.com/smtppolicy/smtppolicy',
            rules: rules.map(({ meta }) => {
              const url = docsUrl(meta.id);
              return {
                id: meta.id,
                name: pascalCase(meta.id),
                shortDescription: { text: meta.description },
                fullDescription: { text: `${meta.description}.${url ? ` See ${url}` : ''}` },
                ...(url ? { helpUri: url } : {}),
                defaultConfiguration: { level: LEVEL[meta.defaultSeverity] },
                properties: {
                  tags: ['security', 'smtp', 'category' in meta ? String(meta.category) : 'language'],
                  'security-severity': SECURITY_SEVERITY[meta.defaultSeverity],
                },
              };
            }),
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { description: { text: 'The directory smtppolicy lint was run in' } } },
        results,
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}

/**
 * The trimmed text of a line, for fingerprints. Each file's line index is built once (not a
 * split of the whole file per finding, which made 6,000 findings in a 30 KB file take
 * seconds), and a line is hashed through at most FINGERPRINT_LINE characters.
 */
function lineTexts(sources: ReadonlyMap<string, string>): (file: string, line: number) => string {
  const indexes = new Map<string, LineIndex>();
  return (file, line) => {
    const text = sources.get(file);
    if (text === undefined) return '';
    let lines = indexes.get(file);
    if (!lines) {
      lines = new LineIndex(text);
      indexes.set(file, lines);
    }
    if (line > lines.lineCount) return '';
    const { start, end } = lines.lineBounds(line);
    return text.slice(start, Math.min(end, start + FINGERPRINT_LINE)).trim();
  };
}

function location(d: Pick<Diagnostic, 'file' | 'range'>) {
  const absolute = d.file.startsWith('/') || /^[A-Za-z]:[\\/]/.test(d.file);
  const uri = absolute ? new URL(`file://${d.file.startsWith('/') ? '' : '/'}${d.file.replace(/\\/g, '/')}`).href : encodeURI(d.file);
  const { start, end } = d.range;
  return {
    physicalLocation: {
      artifactLocation: absolute ? { uri } : { uri, uriBaseId: '%SRCROOT%' },
      region: { startLine: start.line, startColumn: start.column, endLine: end.line, endColumn: end.column },
    },
  };
}

function pascalCase(id: string): string {
  return id.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());
}
