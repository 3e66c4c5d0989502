// Argument parsing on node's own util.parseArgs, with errors turned into UsageError
// (one line, exit 2) instead of a stack trace. Each command describes its options once,
// in an OptionTable: the same table is what parses and what `--help` prints, so the help
// can never omit a flag the command accepts (or list one it refuses).

import type { CliIo } from './command.js';
import { parseArgs } from 'node:util';
import { UsageError } from './command.js';

interface OptionBase {
  short?: string;
  /** One line (or a few, joined by '\n') saying what the option does. */
  description: string;
}
export interface StringOption extends OptionBase {
  type: 'string';
  /** The placeholder the help shows after the flag: `--format pretty|json`. */
  value: string;
  multiple?: boolean;
  default?: string;
  /** The only values it takes (`--format pretty|json`); another is a usage error that lists them. */
  choices?: readonly string[];
}
export interface BooleanOption extends OptionBase {
  type: 'boolean';
}
export type OptionSpec = StringOption | BooleanOption;
export type OptionTable = Record<string, OptionSpec>;

/** Every command has -h/--help; the tables leave it out and it is added here. */
const HELP_OPTION: BooleanOption = { type: 'boolean', short: 'h', description: 'show this help' };

type StringValue<S extends StringOption> = S['choices'] extends readonly (infer C extends string)[] ? C : string;

type Values<T extends OptionTable> = {
  [K in keyof T]: T[K] extends StringOption
    ? T[K]['multiple'] extends true ? string[] | undefined : T[K]['default'] extends string ? StringValue<T[K]> : StringValue<T[K]> | undefined
    : boolean | undefined;
} & { help?: boolean };

export interface ParsedArgs<T extends OptionTable> {
  values: Values<T>;
  positionals: string[];
}

/**
 * A command's arguments, or undefined when `--help` was asked for: its text is then written
 * to stdout and the command is done (exit 0).
 */
export function argsOrHelp<T extends OptionTable>(argv: string[], table: T, help: string, io: Pick<CliIo, 'stdout'>): ParsedArgs<T> | undefined {
  const parsed = parseCommandArgs(argv, table);
  if (parsed.values.help) {
    io.stdout.write(`${help}\n`);
    return undefined;
  }
  checkChoices(parsed.values, table);
  return parsed;
}

/** `unknown format 'xml' (expected pretty, json)` for an option given a value it does not take. */
function checkChoices(values: Record<string, unknown>, table: OptionTable): void {
  for (const [name, spec] of Object.entries(table)) {
    const value = values[name];
    if (spec.type !== 'string' || !spec.choices || typeof value !== 'string' || spec.choices.includes(value)) continue;
    throw new UsageError(`unknown ${name} '${value}' (expected ${spec.choices.join(', ')})`);
  }
}

export function parseCommandArgs<T extends OptionTable>(argv: string[], table: T): ParsedArgs<T> {
  const all: OptionTable = { ...table, help: HELP_OPTION };
  const options = Object.fromEntries(
    Object.entries(all).map(([name, spec]) => [name, {
      type: spec.type,
      ...(spec.short ? { short: spec.short } : {}),
      ...(spec.type === 'string' && spec.multiple ? { multiple: true } : {}),
      ...(spec.type === 'string' && spec.default !== undefined ? { default: spec.default } : {}),
    }]),
  );
  try {
    const parsed = parseArgs({ args: joinNegativeNumbers(argv, table), options, allowPositionals: true, strict: true });
    return { values: parsed.values as Values<T>, positionals: parsed.positionals };
  } catch (error) {
    throw new UsageError(firstSentence(error));
  }
}

/**
 * `--max-warnings -1`: parseArgs takes any value starting with a dash for a flag and refuses
 * it as ambiguous. No option of ours is a digit, so a negative number after an option that
 * takes a value is that value; the command then decides whether it is a valid one.
 */
function joinNegativeNumbers(argv: string[], table: OptionTable): string[] {
  const joined: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const name = arg.startsWith('--') ? arg.slice(2) : undefined;
    const next = argv[i + 1];
    if (name !== undefined && table[name]?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      joined.push(`${arg}=${next}`);
      i++;
    } else {
      joined.push(arg);
    }
  }
  return joined;
}

/** node's messages are good but long ("Unknown option '--x'. To specify a positional…"): keep the first sentence. */
function firstSentence(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]!.split('. ')[0]!.replace(/\.$/, '');
}

/** The options section of a command's help, from its table (plus -h, --help). */
export function formatOptions(table: OptionTable): string {
  const all: OptionTable = { ...table, help: HELP_OPTION };
  const rows = Object.entries(all).map(([name, spec]) => {
    const flag = `${spec.short ? `-${spec.short}, ` : ''}--${name}${spec.type === 'string' ? ` ${spec.value}` : ''}`;
    const notes = [spec.type === 'string' && spec.multiple ? 'repeatable' : '', spec.type === 'string' && spec.default !== undefined ? `default ${spec.default}` : '']
      .filter(Boolean);
    return { flag, lines: `${spec.description}${notes.length ? ` (${notes.join('; ')})` : ''}`.split('\n') };
  });
  const width = Math.max(...rows.map((r) => r.flag.length));
  return ['Options:', ...rows.flatMap(({ flag, lines }) => lines.map((line, i) => `  ${(i === 0 ? flag : '').padEnd(width)}  ${line}`))].join('\n');
}

/** A command's whole help: synopsis and description (written by hand), then the options from the table, then notes. */
export function helpText(parts: { usage: string; options: OptionTable; footer?: string }): string {
  return [parts.usage.trimEnd(), '', formatOptions(parts.options), ...(parts.footer ? ['', parts.footer.trimEnd()] : [])].join('\n');
}
