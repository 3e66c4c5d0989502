// SARIF 2.1.0 for GitHub code scanning (and any SARIF viewer). Every rule is described in
// tool.driver.rules (ids, descriptions, docs links, default level, `security` tags and a
// `security-severity` score for GitHub's severity badges); results point at 1-based
// regions of files relative to %SRCROOT%, and carry a fingerprint that survives lines
// being inserted above the finding (fingerprint.ts, shared with the GitLab report).

import type { Diagnostic, Severity } from '../../grammar/diagnostic.js';
import type { RuleMeta } from '../lint/rule.js';
import { findingFingerprints } from './fingerprint.js';
import type { Report } from './report.js';
import { docsUrl } from './report.js';
import { jsonChunks } from '../emit-chunks.js';
import { joinChunks, lazyElements } from './report-chunks.js';

/** What SARIF says about a rule: lint rules, and the findings of other tools of the package (`smtppolicy diff`). */
export type SarifRuleMeta = Pick<RuleMeta, 'id' | 'description' | 'defaultSeverity'> & { category?: string };

export interface SarifOptions {
  rules: readonly { meta: SarifRuleMeta }[];
  toolVersion: string;
  /** Where a rule is documented; default docs/rules/<id>.md (the lint rules' pages). */
  helpUri?: (ruleId: string) => string;
}

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };
/** GitHub maps ≥ 7.0 to "high", ≥ 4.0 to "medium", below to "low". */
const SECURITY_SEVERITY: Record<Severity, string> = { error: '8.0', warning: '5.0', info: '2.0' };

const LANGUAGE_RULES: { meta: SarifRuleMeta }[] = [
  { meta: { id: 'syntax', description: 'the text is not valid .smtppolicy syntax', defaultSeverity: 'error' } },
  { meta: { id: 'semantic', description: 'an invalid value or name (unknown list, duplicate server, include cycle, …)', defaultSeverity: 'error' } },
];

export function formatSarif(report: Report, options: SarifOptions): string {
  return joinChunks(formatSarifChunks(report, options));
}

/** The same text in pieces, each result's object made as it is written (report-chunks.ts). */
export function formatSarifChunks(report: Report, options: SarifOptions): Iterable<string> {
  const rules = [...LANGUAGE_RULES, ...options.rules];
  const index = new Map(rules.map((r, i) => [r.meta.id, i]));
  const fingerprints = findingFingerprints(report);
  const results = lazyElements(report.diagnostics, (d, n) => {
    const ruleIndex = index.get(d.ruleId);
    return {
      ruleId: d.ruleId,
      ...(ruleIndex !== undefined ? { ruleIndex } : {}),
      level: LEVEL[d.severity],
      message: { text: d.message },
      locations: [location(d)],
      partialFingerprints: {
        'smtppolicyFinding/v1': fingerprints[n],
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
              const url = (options.helpUri ?? docsUrl)(meta.id);
              return {
                id: meta.id,
                name: pascalCase(meta.id),
                shortDescription: { text: meta.description },
                fullDescription: { text: `${meta.description}.${url ? ` See ${url}` : ''}` },
                ...(url ? { helpUri: url } : {}),
                defaultConfiguration: { level: LEVEL[meta.defaultSeverity] },
                properties: {
                  tags: ['security', 'smtp', meta.category ?? 'language'],
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
  return jsonChunks(sarif);
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
