// Runs a composite GitHub Action (action.yml) the way the runner does, so the action's
// steps are tested as GitHub executes them: inputs with their defaults, `${{ … }}`
// expressions substituted in `env`, `with` and `if`, every `run:` step written to a file
// and executed with `bash --noprofile --norc -eo pipefail <file>` (the runner's template
// for `shell: bash`) with GITHUB_WORKSPACE, GITHUB_ACTION_PATH, RUNNER_TEMP,
// GITHUB_STEP_SUMMARY and a fresh GITHUB_OUTPUT file per step, whose `name=value` lines
// become `steps.<id>.outputs.<name>`. `uses:` steps cannot run here: they are recorded
// with their evaluated `with:` so a test can check what they would have received.
// Only the expressions the action uses are understood; anything else throws, so a new
// expression in action.yml fails the tests instead of being silently mis-substituted.

import { spawn } from 'node:child_process';
import { childOutput } from '../helpers/child-output.js';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';

interface ActionStep {
  name?: string;
  id?: string;
  if?: string;
  shell?: string;
  run?: string;
  uses?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}

export interface ActionDefinition {
  inputs: Record<string, { default?: string; required?: boolean }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: ActionStep[] };
}

export interface StepRun {
  name: string;
  status: number;
  stdout: string;
  stderr: string;
}

export interface ActionRun {
  /** The status of the step that failed the action, or 0. */
  status: number;
  steps: StepRun[];
  skipped: string[];
  uses: { uses: string; with: Record<string, string> }[];
  outputs: Record<string, string>;
  summary: string;
  stdout: string;
}

export async function loadAction(file: string): Promise<ActionDefinition> {
  return parse(await readFile(file, 'utf8')) as ActionDefinition;
}

export interface RunOptions {
  actionPath: string;
  workspace: string;
  runnerTemp: string;
  inputs?: Record<string, string>;
  /** Extra environment for every step (PATH and HOME come from this process). */
  env?: Record<string, string>;
}

export async function runCompositeAction(action: ActionDefinition, options: RunOptions): Promise<ActionRun> {
  if (action.runs.using !== 'composite') throw new Error(`not a composite action: ${action.runs.using}`);
  const inputs: Record<string, string> = {};
  for (const [name, spec] of Object.entries(action.inputs ?? {})) inputs[name] = options.inputs?.[name] ?? spec.default ?? '';
  for (const name of Object.keys(options.inputs ?? {})) if (!(name in inputs)) throw new Error(`the action has no input '${name}'`);

  const steps: Record<string, Record<string, string>> = {};
  const context = { inputs, steps, actionPath: options.actionPath, runnerTemp: options.runnerTemp };
  const summaryFile = join(options.runnerTemp, 'step-summary.md');
  await writeFile(summaryFile, '');
  const result: ActionRun = { status: 0, steps: [], skipped: [], uses: [], outputs: {}, summary: '', stdout: '' };

  for (const [index, step] of action.runs.steps.entries()) {
    const name = step.name ?? step.id ?? `step ${index}`;
    if (step.if !== undefined && !condition(step.if, context)) {
      result.skipped.push(name);
      continue;
    }
    if (step.uses) {
      result.uses.push({ uses: step.uses, with: mapValues(step.with ?? {}, (v) => substitute(v, context)) });
      continue;
    }
    if (step.shell !== 'bash') throw new Error(`${name}: only 'shell: bash' steps are supported, found ${step.shell}`);
    const dir = await mkdtemp(join(options.runnerTemp, 'step-'));
    const script = join(dir, 'script.sh');
    const outputFile = join(dir, 'output');
    await writeFile(script, substitute(step.run ?? '', context));
    await writeFile(outputFile, '');
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      ...options.env,
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: options.workspace,
      GITHUB_ACTION_PATH: options.actionPath,
      RUNNER_TEMP: options.runnerTemp,
      GITHUB_STEP_SUMMARY: summaryFile,
      GITHUB_OUTPUT: outputFile,
      ...mapValues(step.env ?? {}, (v) => substitute(String(v), context)),
    };
    const run = await bash(script, options.workspace, env);
    result.steps.push({ name, ...run });
    result.stdout += run.stdout;
    if (step.id) steps[step.id] = parseOutputFile(await readFile(outputFile, 'utf8'));
    if (run.status !== 0) {
      result.status = run.status;
      break;
    }
  }
  result.summary = await readFile(summaryFile, 'utf8');
  if (result.status === 0) result.outputs = mapValues(action.outputs ?? {}, (o) => substitute(o.value, context));
  return result;
}

type Context = { inputs: Record<string, string>; steps: Record<string, Record<string, string>>; actionPath: string; runnerTemp: string };

function value(expression: string, context: Context): string {
  const e = expression.trim();
  let m: RegExpMatchArray | null;
  if ((m = /^inputs\.([\w-]+)$/.exec(e))) {
    if (!(m[1]! in context.inputs)) throw new Error(`unknown input in \${{ ${e} }}`);
    return context.inputs[m[1]!]!;
  }
  if ((m = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(e))) return context.steps[m[1]!]?.[m[2]!] ?? '';
  if (e === 'github.action_path') return context.actionPath;
  if (e === 'runner.temp') return context.runnerTemp;
  if ((m = /^'((?:[^']|'')*)'$/.exec(e))) return m[1]!.replace(/''/g, "'");
  throw new Error(`expression not understood by the test runner: \${{ ${e} }}`);
}

function substitute(text: string, context: Context): string {
  return text.replace(/\$\{\{(.*?)\}\}/g, (_, e: string) => value(e, context));
}

/** `if:` conditions: `a == b` or `a != b` of values, optionally wrapped in `${{ }}`. */
function condition(text: string, context: Context): boolean {
  const e = text.trim().replace(/^\$\{\{(.*)\}\}$/s, '$1').trim();
  const m = /^(.+?)\s*(==|!=)\s*(.+)$/.exec(e);
  if (!m) throw new Error(`condition not understood by the test runner: ${text}`);
  // GitHub compares strings case-insensitively.
  const equal = value(m[1]!, context).toLowerCase() === value(m[3]!, context).toLowerCase();
  return m[2] === '==' ? equal : !equal;
}

/** `name=value` lines and the `name<<DELIMITER` … `DELIMITER` form, as the runner reads them. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    const heredoc = /^([^=]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2]!, i + 1);
      if (end < 0) throw new Error(`unterminated ${heredoc[1]}<<${heredoc[2]} in GITHUB_OUTPUT`);
      outputs[heredoc[1]!] = lines.slice(i + 1, end).join('\n');
      i = end;
      continue;
    }
    const at = line.indexOf('=');
    if (at < 0) throw new Error(`malformed GITHUB_OUTPUT line: ${line}`);
    outputs[line.slice(0, at)] = line.slice(at + 1);
  }
  return outputs;
}

async function bash(script: string, cwd: string, env: Record<string, string>): Promise<{ status: number; stdout: string; stderr: string }> {
  const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const { status, stdout, stderr } = await childOutput(child);
  return { status: status ?? -1, stdout, stderr };
}

function mapValues<T, U>(record: Record<string, T>, f: (value: T) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, f(v)]));
}
