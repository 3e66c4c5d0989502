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
  const rooted = path.startsWith('/');
  // the last slash before the last name, past any slashes that end the path
  let end = -1;
  let inName = false;
  for (let i = path.length - 1; i >= 1; i--) {
    if (path[i] !== '/') inName = true;
    else if (inName) {
      end = i;
      break;
    }
  }
  if (end === -1) return rooted ? '/' : '.';
  if (rooted && end === 1) return '//'; // as Node: POSIX leaves a leading '//' to the implementation
  return path.slice(0, end);
}

export function relative(from: string, to: string): string {
  const a = normalizeSegments(resolve(from));
  const b = normalizeSegments(resolve(to));
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common++;
  return [...a.slice(common).map(() => '..'), ...b.slice(common)].join('/');
}

/** Resolves '.' and '..' ('..' stays at the start of a relative path) and keeps a trailing slash. */
export function normalize(path: string): string {
  if (path === '') return '.';
  const rooted = isAbsolute(path);
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part !== '..') out.push(part);
    else if (out.length > 0 && out.at(-1) !== '..') out.pop();
    else if (!rooted) out.push('..');
  }
  const body = out.join('/');
  if (body === '') return rooted ? '/' : path.endsWith('/') ? './' : '.';
  return `${rooted ? '/' : ''}${body}${path.endsWith('/') ? '/' : ''}`;
}

export function join(...paths: string[]): string {
  return normalize(paths.filter((p) => p !== '').join('/'));
}

export function basename(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

