// node:path for the playground bundle (see README.md): POSIX paths only, which is all the
// made-up /playground directory needs. Same results as Node's path.posix for the calls the
// compiler makes (test/playground/shims.test.ts compares them).

export const sep = '/';

export function isAbsolute(path: string): boolean {
  return path.startsWith('/');
}

/** Joins, then resolves '.' and '..' (never above the root) and drops empty segments. */
function normalizeSegments(path: string): string[] {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return out;
}

/** Like Node's: right to left until a path is absolute; the working directory is the root. */
export function resolve(...paths: string[]): string {
  let joined = '';
  for (let i = paths.length - 1; i >= 0 && !isAbsolute(joined); i--) {
    const part = paths[i]!;
    if (part !== '') joined = joined === '' ? part : `${part}/${joined}`;
  }
  return `/${normalizeSegments(joined).join('/')}`;
}

export function dirname(path: string): string {
  if (path === '') return '.';
  const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
  const slash = trimmed.lastIndexOf('/');
  if (slash < 0) return '.';
  if (slash === 0) return '/';
  return trimmed.slice(0, slash);
}

export function relative(from: string, to: string): string {
  const a = normalizeSegments(resolve(from));
  const b = normalizeSegments(resolve(to));
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common++;
  return [...a.slice(common).map(() => '..'), ...b.slice(common)].join('/');
}

export function join(...paths: string[]): string {
  const joined = paths.filter((p) => p !== '').join('/');
  if (joined === '') return '.';
  const body = normalizeSegments(joined).join('/');
  return isAbsolute(joined) ? `/${body}` : body === '' ? '.' : body;
}

export function basename(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

