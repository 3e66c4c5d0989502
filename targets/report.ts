// The translation report as users read it: `pretty` (a line per setting, grouped by server,
// worst first) and `json` (the TargetReport, documented in docs/mta-targets.md).
import type { Fidelity, MappingFinding, TargetReport } from './types.js';

const ORDER: Record<Fidelity, number> = { unsupported: 0, approximate: 1, exact: 2 };

export function formatTargetJson(report: TargetReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

export interface PrettyOptions {
  color: boolean;
}

function paint(fidelity: Fidelity, text: string, color: boolean): string {
  if (!color) return text;
  const code = fidelity === 'unsupported' ? 31 : fidelity === 'approximate' ? 33 : 32;
  return `\u001b[${code}m${text}\u001b[39m`;
}

function line(f: MappingFinding, color: boolean): string[] {
  const lines = [`  ${paint(f.fidelity, f.fidelity.padEnd(11), color)} ${f.setting}${f.source ? `  (${f.source})` : ''}`, `              → ${f.mapping}`];
  if (f.note && f.fidelity !== 'exact') lines.push(`              ${f.note}`);
  return lines;
}

export function formatTargetPretty(report: TargetReport, options: PrettyOptions): string {
  const groups = new Map<string, MappingFinding[]>();
  for (const f of report.findings) {
    const key = f.server === null ? 'global settings' : `server ${f.server}`;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  const out: string[] = [];
  for (const [title, findings] of groups) {
    out.push(`${title}:`);
    for (const f of [...findings].sort((a, b) => ORDER[a.fidelity] - ORDER[b.fidelity])) out.push(...line(f, options.color));
  }
  const { exact, approximate, unsupported } = report.summary;
  out.push(`${report.target}: ${exact} exact, ${approximate} approximate, ${unsupported} unsupported`);
  return `${out.join('\n')}\n`;
}
