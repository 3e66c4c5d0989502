import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Ajv } from 'ajv';
import { checkPolicy } from '../../../compiler/check.js';
import { formatGitlab } from '../../../compiler/report/gitlab.js';
import { formatSarif } from '../../../compiler/report/sarif.js';
import { RULES } from '../../../compiler/rules/index.js';
import type { Report } from '../../../compiler/report/report.js';

const root = join(import.meta.dirname, '..', '..', '..');

/**
 * The fields GitLab documents for a Code Quality report ("Code Quality report format",
 * docs.gitlab.com/ci/testing/code_quality): an array of objects, each with a description,
 * a check_name, a fingerprint, a severity out of five, and a location with a path and
 * either lines.begin or positions.begin.line (we write lines).
 */
const CODE_QUALITY_SCHEMA = {
  type: 'array',
  items: {
    type: 'object',
    required: ['description', 'check_name', 'fingerprint', 'severity', 'location'],
    properties: {
      description: { type: 'string', minLength: 1 },
      check_name: { type: 'string', minLength: 1 },
      fingerprint: { type: 'string', minLength: 1 },
      severity: { enum: ['info', 'minor', 'major', 'critical', 'blocker'] },
      location: {
        type: 'object',
        required: ['path', 'lines'],
        properties: {
          path: { type: 'string', minLength: 1, not: { pattern: '^/' } },
          lines: { type: 'object', required: ['begin'], properties: { begin: { type: 'integer', minimum: 1 } } },
        },
      },
    },
  },
};

interface CodeQualityIssue {
  description: string;
  check_name: string;
  severity: string;
  location: { path: string; lines: { begin: number } };
}

async function reportFor(examples: string | string[], cwd = root): Promise<Report> {
  const sources = new Map<string, string>();
  const diagnostics = [];
  for (const example of [examples].flat()) {
    const result = await checkPolicy(example, { cwd });
    for (const f of result.files) sources.set(f.displayName, f.text);
    diagnostics.push(...result.diagnostics);
  }
  return { diagnostics, sources };
}

describe('GitLab Code Quality reporter', () => {
  it('writes the documented fields for every finding', async () => {
    const report = await reportFor(['examples/insecure/open-relay.smtppolicy', 'examples/insecure/duplicate-entry.smtppolicy', 'examples/quickstart.smtppolicy']);
    const issues: CodeQualityIssue[] = JSON.parse(formatGitlab(report));
    const validate = new Ajv({ allErrors: true, strict: true }).compile(CODE_QUALITY_SCHEMA);
    assert.ok(validate(issues), JSON.stringify(validate.errors, null, 2));
    assert.deepEqual(
      issues.map((i) => [i.check_name, i.severity, i.location.path, i.location.lines.begin]),
      [
        ['open-relay', 'critical', 'examples/insecure/open-relay.smtppolicy', 6],
        ['duplicate-entry', 'major', 'examples/insecure/duplicate-entry.smtppolicy', 4],
      ],
    );
    assert.match(issues[0]?.description ?? '', /may relay without authenticating/);
  });

  it('maps syntax errors to blocker, so a policy that cannot compile heads the widget', () => {
    const at = (line: number) => ({ line, column: 1, offset: 0 });
    const report: Report = {
      sources: new Map([['a.smtppolicy', 'server {\n']]),
      diagnostics: [
        { ruleId: 'syntax', severity: 'error', message: "expected '}'", file: 'a.smtppolicy', range: { start: at(2), end: at(2) } },
        { ruleId: 'x', severity: 'info', message: 'note', file: 'a.smtppolicy', range: { start: at(1), end: at(1) } },
      ],
    };
    assert.deepEqual(
      JSON.parse(formatGitlab(report)).map((i: { severity: string }) => i.severity),
      ['blocker', 'info'],
    );
  });

  it('uses the SARIF fingerprint, which survives lines inserted above the finding', async () => {
    const file = 'examples/insecure/open-relay.smtppolicy';
    const report = await reportFor(file);
    const [issue] = JSON.parse(formatGitlab(report));
    const sarif = JSON.parse(formatSarif(report, { rules: RULES, toolVersion: '0' }));
    assert.equal(issue.fingerprint, sarif.runs[0].results[0].partialFingerprints['smtppolicyFinding/v1']);

    // The same file, two lines longer at the top, at the same path in another checkout.
    const checkout = await mkdtemp(join(tmpdir(), 'smtppolicy-gitlab-'));
    try {
      await mkdir(join(checkout, 'examples/insecure'), { recursive: true });
      await writeFile(join(checkout, file), `# a new comment\n\n${readFileSync(join(root, file), 'utf8')}`);
      const [moved] = JSON.parse(formatGitlab(await reportFor(file, checkout)));
      assert.equal(moved.location.lines.begin, issue.location.lines.begin + 2);
      assert.equal(moved.fingerprint, issue.fingerprint);
    } finally {
      await rm(checkout, { recursive: true, force: true });
    }
  });

  it('gives two findings on identical lines distinct fingerprints', () => {
    const at = (line: number) => ({ line, column: 1, offset: 0 });
    const finding = (line: number) => ({ ruleId: 'duplicate-entry', severity: 'warning' as const, message: 'twice', file: 'a.smtppolicy', range: { start: at(line), end: at(line) } });
    const issues = JSON.parse(formatGitlab({ sources: new Map([['a.smtppolicy', 'x\nx\n']]), diagnostics: [finding(1), finding(2)] }));
    assert.notEqual(issues[0].fingerprint, issues[1].fingerprint);
  });
});
