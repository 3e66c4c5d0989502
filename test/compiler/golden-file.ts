// The `.smtppolicytest` golden format, in the style of Caddy's adapter tests: one file
// holds the policy (and any files it includes), a separator, and what compiling it must
// give — the exact runtime config JSON, or the exact diagnostics.
//
//   # free text describing the case
//   === policy.smtppolicy          ← the entry: always first
//   server a { … }
//   === common.smtppolicy          ← optional further files, for includes
//   …
//   --- config                     ← or `--- errors`: one `file:line:col severity message` per line
//   { … }

export interface GoldenCase {
  description: string;
  files: { name: string; text: string }[];
  expect: { kind: 'config' | 'errors'; text: string };
}

export function parseGolden(text: string, path: string): GoldenCase {
  const lines = text.split('\n');
  const description: string[] = [];
  const files: { name: string; text: string }[] = [];
  let current: string[] | null = null;
  let expectKind: 'config' | 'errors' | null = null;
  const expectLines: string[] = [];
  for (const line of lines) {
    const file = /^=== (\S+)$/.exec(line);
    const expect = /^--- (config|errors)$/.exec(line);
    if (expectKind) expectLines.push(line);
    else if (expect) expectKind = expect[1] as 'config' | 'errors';
    else if (file) {
      current = [];
      files.push({ name: file[1]!, text: '' });
      (files.at(-1) as { lines?: string[] }).lines = current;
    } else if (current) current.push(line);
    else description.push(line.replace(/^#\s?/, ''));
  }
  if (files.length === 0) throw new Error(`${path}: no '=== <file>' section`);
  if (!expectKind) throw new Error(`${path}: no '--- config' or '--- errors' section`);
  for (const f of files as ({ name: string; text: string; lines?: string[] })[]) {
    f.text = f.lines!.join('\n');
    delete f.lines;
  }
  return { description: description.join('\n').trim(), files, expect: { kind: expectKind, text: expectLines.join('\n').trim() } };
}

export function printGolden(golden: GoldenCase): string {
  const head = golden.description ? `${golden.description.split('\n').map((l) => `# ${l}`.trimEnd()).join('\n')}\n` : '';
  const files = golden.files.map((f) => `=== ${f.name}\n${f.text}`).join('\n');
  return `${head}${files}\n--- ${golden.expect.kind}\n${golden.expect.text}\n`;
}
