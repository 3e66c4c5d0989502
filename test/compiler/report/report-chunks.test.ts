// The machine formats of lint are written in pieces (compiler/report/report-chunks.ts), so
// that a report of a hundred thousand findings never exists as one string or one object tree.
// The pieces must join to exactly the text the format documents (JSON as JSON.stringify
// spells it with two spaces), and be pieces: none much larger than CHUNK_CHARS.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generatePolicy } from '../../../bench/generate-policy.js';
import { checkPolicy } from '../../../compiler/check.js';
import { CHUNK_CHARS } from '../../../compiler/emit-chunks.js';
import { formatGitlabChunks } from '../../../compiler/report/gitlab.js';
import { formatJsonChunks } from '../../../compiler/report/json.js';
import { formatJunitChunks } from '../../../compiler/report/junit.js';
import type { Report } from '../../../compiler/report/report.js';
import { formatSarifChunks } from '../../../compiler/report/sarif.js';
import { RULES } from '../../../compiler/rules/index.js';

async function generatedReport(lines: number): Promise<Report> {
  const text = generatePolicy(lines);
  const files: Record<string, string> = { '/policies/big.smtppolicy': text, '/policies/staff.passwd': '' };
  const result = await checkPolicy('/policies/big.smtppolicy', {
    readText: async (path) => {
      const found = files[path];
      if (found === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
      return found;
    },
  });
  return { diagnostics: result.diagnostics, sources: new Map(result.files.map((f) => [f.displayName, f.text])) };
}

test('json, sarif, gitlab and junit reports come in pieces that join to the whole report', async () => {
  const report = await generatedReport(20_000);
  assert.ok(report.diagnostics.length > 500, `a report of many findings (${report.diagnostics.length})`);
  const formats = {
    json: formatJsonChunks(report),
    sarif: formatSarifChunks(report, { rules: RULES, toolVersion: '0.0.0-test' }),
    gitlab: formatGitlabChunks(report),
    junit: formatJunitChunks(report),
  };
  for (const [name, chunks] of Object.entries(formats)) {
    const pieces = [...chunks];
    const text = pieces.join('');
    assert.ok(pieces.length > 3, `${name}: ${text.length} characters in ${pieces.length} piece(s)`);
    // a piece closes once it reaches CHUNK_CHARS: one finding's text more at most
    for (const piece of pieces) assert.ok(piece.length < CHUNK_CHARS + 4096, `${name}: a piece of ${piece.length} characters`);
    assert.ok(text.endsWith('\n'), `${name}: ends with a line break`);
    if (name !== 'junit') assert.equal(text, `${JSON.stringify(JSON.parse(text), null, 2)}\n`, `${name}: spelt as JSON.stringify spells it`);
    else assert.equal(text.split('<failure ').length - 1, report.diagnostics.length, 'junit: a failure element per finding');
  }
});
