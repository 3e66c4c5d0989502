// Runs `smtppolicy verify` in-process with captured output, as cli/main.ts would.
import { PassThrough } from 'node:stream';
import { main } from '../../cli/main.js';
import type { VerifyReport } from '../../verify/index.js';

export interface VerifyRun {
  code: number;
  stdout: string;
  stderr: string;
  report: VerifyReport | undefined;
}

function sink(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

export async function runVerify(args: string[], env: NodeJS.ProcessEnv = {}, cwd = process.cwd()): Promise<VerifyRun> {
  const stdout = sink();
  const stderr = sink();
  const code = await main(['verify', ...args], { stdout: stdout.stream, stderr: stderr.stream, stdin: new PassThrough(), cwd, env });
  const out = stdout.text();
  let report: VerifyReport | undefined;
  if (args.includes('json') && out.trim().startsWith('{')) report = JSON.parse(out) as VerifyReport;
  return { code, stdout: out, stderr: stderr.text(), report };
}
