// JUnit XML for CI dashboards that read test reports (Jenkins, GitLab's test report,
// Azure Pipelines, CircleCI): every checked file is a <testsuite>; every rule with findings
// in that file is a <testcase> whose <failure> elements are the findings (type = severity);
// a file without findings is one passing test case named `lint`, so dashboards count it.
// The shape validates against the Jenkins JUnit XSD (test/compiler/report/junit.test.ts).
// No timestamps or durations: the same input gives the same bytes.

import type { Diagnostic } from '../../grammar/diagnostic.js';
import type { Report } from './report.js';
import { docsUrl } from './report.js';
import { joinChunks, linesInChunks } from './report-chunks.js';

/** The test case name of a file that passed every rule. */
export const CLEAN_CASE = 'lint';

export function formatJunit(report: Report): string {
  return joinChunks(formatJunitChunks(report));
}

/** The same text in pieces: a failure's element is made as it is written (report-chunks.ts). */
export function formatJunitChunks(report: Report): Iterable<string> {
  return linesInChunks(junitLines(report));
}

function* junitLines(report: Report): Generator<string> {
  // checkEntries puts every file it checked into `sources`; a diagnostic's file is added in
  // case a caller's report holds only the files with findings.
  const files = [...new Set([...report.sources.keys(), ...report.diagnostics.map((d) => d.file)])];
  const suites = files.map((file) => suite(file, report.diagnostics.filter((d) => d.file === file)));
  const tests = suites.reduce((n, s) => n + s.tests, 0);
  const failures = suites.reduce((n, s) => n + s.failures, 0);
  yield '<?xml version="1.0" encoding="UTF-8"?>';
  yield `<testsuites name="smtppolicy lint" tests="${tests}" failures="${failures}" errors="0">`;
  for (const { file, byRule, tests, failures } of suites) {
    yield `  <testsuite name="${attr(file)}" tests="${tests}" failures="${failures}" errors="0" skipped="0">`;
    if (byRule.size === 0) yield `    <testcase classname="${attr(file)}" name="${CLEAN_CASE}"/>`;
    for (const [ruleId, found] of byRule) {
      yield `    <testcase classname="${attr(file)}" name="${attr(ruleId)}">`;
      for (const d of found) yield failure(d);
      yield '    </testcase>';
    }
    yield '  </testsuite>';
  }
  yield '</testsuites>';
}

interface Suite {
  file: string;
  /** A test case per rule with findings, in the order of their first finding. */
  byRule: Map<string, Diagnostic[]>;
  tests: number;
  failures: number;
}

function suite(file: string, diagnostics: Diagnostic[]): Suite {
  const byRule = new Map<string, Diagnostic[]>();
  // Pushed, not copied per finding: a copy each time made 90,000 findings of one rule (a
  // 55 MB policy) cost four billion element copies.
  for (const d of diagnostics) {
    const found = byRule.get(d.ruleId);
    if (found) found.push(d);
    else byRule.set(d.ruleId, [d]);
  }
  return { file, byRule, tests: Math.max(1, byRule.size), failures: byRule.size };
}

function failure(d: Diagnostic): string {
  const { start } = d.range;
  const url = docsUrl(d.ruleId);
  const body = `${d.file}:${start.line}:${start.column} ${d.severity} ${d.message}  ${d.ruleId}${url ? `\ndocs: ${url}` : ''}`;
  return `      <failure type="${d.severity}" message="${attr(d.message)}">${text(body)}</failure>`;
}

/** Characters XML 1.0 cannot carry at all (controls other than tab, LF, CR; lone surrogates; U+FFFE/F). */
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

function text(value: string): string {
  return value.replace(NOT_XML, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function attr(value: string): string {
  // Attribute values normalise raw whitespace away: keep line breaks and tabs as references.
  return text(value).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}
