// Reading and validating a runtime config. Validation uses the validator compiled ahead of
// time from schema.json (scripts/build-validator.mjs), so loading compiles no schema.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ConfigError } from './config-error.js';
import { schemaProblems } from './schema-errors.js';
import { semanticProblems } from './semantic-checks.js';
import type { RuntimeConfig } from './types.js';
import { validate } from './validate.generated.js';

/**
 * Checks that `value` is a RuntimeConfig this server can run: the schema, then the rules
 * the schema cannot state (normal forms, unique names, references). Throws ConfigError
 * listing every problem.
 */
export function validateRuntimeConfig(value: unknown, file?: string): RuntimeConfig {
  if (!validate(value)) throw new ConfigError(schemaProblems(validate.errors ?? [], value), file);
  const config = value as RuntimeConfig;
  const problems = semanticProblems(config);
  if (problems.length > 0) throw new ConfigError(problems, file);
  return config;
}

/**
 * Reads a config file. `baseDir` is its directory, which relative paths in it are read
 * against. Unreadable files and JSON syntax errors throw ConfigError too (with line and
 * column for the latter).
 */
export async function loadRuntimeConfig(path: string): Promise<{ config: RuntimeConfig; baseDir: string }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : error instanceof Error ? error.message : String(error);
    throw new ConfigError([{ pointer: '', message: `cannot read the file: ${reason}` }], path, 'cannot load runtime config');
  }
  return { config: validateRuntimeConfig(parseJson(text, path), path), baseDir: dirname(resolve(path)) };
}

function parseJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = /at position (\d+)/.exec(message);
    const offset = position ? Number(position[1]) : text.length;
    const { line, column } = lineAndColumn(text, offset);
    const reason = message.replace(/ in JSON at position \d+.*$/, '');
    throw new ConfigError([{ pointer: '', message: `${reason} at line ${line}, column ${column}` }], path, 'invalid JSON');
  }
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - (before.lastIndexOf('\n') + 1) + 1;
  return { line, column };
}
