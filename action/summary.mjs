// The job summary of the GitHub Action (markdown for $GITHUB_STEP_SUMMARY), built from the
// SARIF file the lint step wrote: counts per severity, the verdict and the top findings,
// most severe first. Pure: SARIF in, markdown out.

/** SARIF levels as smtppolicy's severities (sarif.ts maps error/warning/info to these). */
const SEVERITY = { error: 'error', warning: 'warning', note: 'info' };
const ORDER = ['error', 'warning', 'info'];
export const TOP_FINDINGS = 10;

/** @param {any} sarif */
export function findingsOf(sarif) {
  const run = sarif.runs?.[0];
  const rules = run?.tool?.driver?.rules ?? [];
  return (run?.results ?? []).map((/** @type {any} */ result) => {
    const location = result.locations?.[0]?.physicalLocation;
    const rule = rules.find((/** @type {any} */ r) => r.id === result.ruleId);
    return {
      severity: SEVERITY[/** @type {keyof typeof SEVERITY} */ (result.level)] ?? 'warning',
      ruleId: String(result.ruleId),
      helpUri: rule?.helpUri,
      message: String(result.message?.text ?? ''),
      file: decodeURI(String(location?.artifactLocation?.uri ?? '')),
      line: location?.region?.startLine ?? 1,
      column: location?.region?.startColumn ?? 1,
    };
  });
}

/** @param {ReturnType<typeof findingsOf>} findings */
export function countBySeverity(findings) {
  const counts = { error: 0, warning: 0, info: 0 };
  for (const f of findings) counts[/** @type {'error'|'warning'|'info'} */ (f.severity)]++;
  return counts;
}

/**
 * @param {ReturnType<typeof findingsOf>} findings
 * @param {{ paths: string[], verdict: string, passed: boolean }} run
 */
export function summaryMarkdown(findings, run) {
  const counts = countBySeverity(findings);
  const lines = [
    '## smtppolicy lint',
    '',
    `${run.passed ? '✅' : '❌'} ${cell(run.verdict)}`,
    '',
    `Linted: ${run.paths.map((p) => `<code>${cell(p)}</code>`).join(', ')}`,
    '',
    '| Severity | Findings |',
    '| --- | ---: |',
    `| error | ${counts.error} |`,
    `| warning | ${counts.warning} |`,
    `| info | ${counts.info} |`,
    '',
  ];
  if (findings.length === 0) return `${lines.join('\n')}No findings.\n`;
  const top = [...findings].sort((a, b) => ORDER.indexOf(a.severity) - ORDER.indexOf(b.severity)).slice(0, TOP_FINDINGS);
  lines.push(
    `### Top findings${findings.length > top.length ? ` (${top.length} of ${findings.length})` : ''}`,
    '',
    '| Severity | Rule | Where | Message |',
    '| --- | --- | --- | --- |',
    ...top.map((f) => {
      const rule = f.helpUri ? `[${cell(f.ruleId)}](${f.helpUri})` : cell(f.ruleId);
      return `| ${f.severity} | ${rule} | <code>${cell(`${f.file}:${f.line}:${f.column}`)}</code> | ${cell(f.message)} |`;
    }),
    '',
  );
  return `${lines.join('\n')}`;
}

/** Text safe inside a markdown table cell: no HTML, no column breaks, one line. */
function cell(text) {
  return String(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '&#124;')
    .replace(/\r?\n/g, ' ');
}
