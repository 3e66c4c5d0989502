// The one error type for configs that cannot be used: it lists every problem found, each
// as `<json pointer>: <what is wrong>`, so a user fixes them all in one pass.

export interface ConfigProblem {
  /** JSON pointer to the offending value; '' for the whole document. */
  pointer: string;
  message: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly problems: readonly ConfigProblem[];
  /** The config file, when the config came from one. */
  readonly file: string | undefined;

  constructor(problems: readonly ConfigProblem[], file?: string, heading = 'invalid runtime config') {
    const lines = problems.map((problem) => `  ${formatProblem(problem)}`);
    const only = problems.length === 1 && problems[0]!.pointer === '' ? problems[0]!.message : undefined;
    // one problem with the whole document (unreadable, not JSON) reads best on one line
    super(`${file === undefined ? '' : `${file}: `}${heading}${only === undefined ? `:\n${lines.join('\n')}` : `: ${only}`}`);
    this.problems = problems;
    this.file = file;
  }
}

export function formatProblem(problem: ConfigProblem): string {
  return `${problem.pointer === '' ? '(document)' : problem.pointer}: ${problem.message}`;
}

/** Escapes one path segment for a JSON pointer (RFC 6901). */
export function pointerSegment(segment: string | number): string {
  return String(segment).replace(/~/g, '~0').replace(/\//g, '~1');
}
