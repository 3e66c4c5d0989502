// The two faces of a verify report: JSON for machines (the VerifyReport as it is) and a
// terminal listing where a failure carries everything needed to act on it.
import pc from 'picocolors';
import type { ProbeResult, VerifyReport } from './types.js';

export function formatJson(report: VerifyReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

export function formatPretty(report: VerifyReport, options: { color: boolean }): string {
  const c = pc.createColors(options.color);
  const label = {
    pass: c.green('PASS'),
    fail: c.red(c.bold('FAIL')),
    skipped: c.yellow('SKIP'),
  } as const;
  const lines: string[] = [];
  const detail = (name: string, text: string) => lines.push(`      ${c.dim(`${name}:`.padEnd(10))} ${text}`.trimEnd());
  for (const probe of report.probes) {
    lines.push(`${label[probe.status]}  ${c.bold(probe.id)}  ${probe.title}`);
    describeProbe(probe, detail, (line) => lines.push(`        ${c.dim(line)}`));
  }
  const { pass, fail, skipped } = report.summary;
  const total = `${pass} passed, ${fail} failed, ${skipped} skipped`;
  lines.push('', fail > 0 ? c.red(total) : c.green(total));
  return `${lines.join('\n')}\n`;
}

function describeProbe(probe: ProbeResult, detail: (name: string, text: string) => void, transcriptLine: (line: string) => void): void {
  if (probe.status === 'skipped') {
    detail('reason', probe.reason ?? '');
    if (probe.source) detail('policy', probe.source);
    return;
  }
  if (probe.status === 'pass') {
    detail('observed', probe.observed);
    return;
  }
  detail('expected', probe.expected);
  detail('observed', probe.observed);
  if (probe.source) detail('policy', probe.source);
  if (probe.transcript?.length) {
    detail('transcript', '');
    for (const line of probe.transcript) transcriptLine(line);
  }
}
