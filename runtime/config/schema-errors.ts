// Turns the generated validator's errors into one precise line per problem. ajv reports
// the alternatives of `X | null` and of tagged unions separately; a user wants to hear
// about the branch they meant, so the noise of the other branches is dropped.
import type { ConfigProblem } from './config-error.js';
import { pointerSegment } from './config-error.js';
import type { GeneratedValidationError } from './validate.generated.js';

/** What a value of each named pattern in schema.json must look like. */
const PATTERN_HINTS: Record<string, string> = {
  Source: 'must be a policy location file:line:column (1-based)',
  Path: 'must be a non-empty path without NUL characters',
  Name: 'must be a name: a letter, then letters, digits, _ or -',
  EnvName: 'must be an environment variable name',
  IpAddress: 'must be an IPv4 address or a lower-case IPv6 address',
  Cidr: 'must be a CIDR network such as 10.0.0.0/8 or 2001:db8::/32 (IPv4 prefix 0-32, IPv6 0-128)',
  Domain: 'must be a lower-case domain name without a trailing dot',
  Hostname: 'must be a fully qualified domain name (at least two labels)',
  Host: 'must be a host name or an IP address',
  ServerName: 'must be a lower-case host name, optionally starting with *.',
  ResolverServer: 'must be a DNS server as ip, ipv4:port or [ipv6]:port',
  ReverseZone: 'must be a reverse zone ending in .in-addr.arpa or .ip6.arpa',
};

export function schemaProblems(errors: readonly GeneratedValidationError[], data: unknown): ConfigProblem[] {
  const kept = errors.filter((error) => !isNoise(error, errors));
  const problems: ConfigProblem[] = [];
  const seen = new Set<string>();
  for (const error of mergeTypeErrors(kept)) {
    const problem = describe(error, data);
    const key = `${problem.pointer}\u0000${problem.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      problems.push(problem);
    }
  }
  return problems;
}

function isNoise(error: GeneratedValidationError, all: readonly GeneratedValidationError[]): boolean {
  const moreSpecific = all.some(
    (other) => other !== error && !isUnionSummary(other) && isAtOrBelow(other.instancePath, error.instancePath),
  );
  if (isUnionSummary(error)) return moreSpecific;
  // "exactly one of env or file" says less than the unknown or malformed property itself.
  if (error.keyword === 'minProperties' || error.keyword === 'maxProperties') {
    return all.some((other) => other !== error && other.keyword === 'additionalProperties' && other.instancePath === error.instancePath);
  }
  // `must be null` from `X | null`, when X's own errors say more.
  if (error.keyword === 'type' && error.params.type === 'null') {
    return all.some(
      (other) => other !== error && !isUnionSummary(other) && other.keyword !== 'type' && isAtOrBelow(other.instancePath, error.instancePath),
    );
  }
  return false;
}

function isUnionSummary(error: GeneratedValidationError): boolean {
  // `if` (a user store with `ldap` is a directory, else a password file) only says which branch failed
  return error.keyword === 'anyOf' || error.keyword === 'oneOf' || error.keyword === 'discriminator' || error.keyword === 'if';
}

function isAtOrBelow(path: string, ancestor: string): boolean {
  return path === ancestor || path.startsWith(`${ancestor}/`);
}

// `X | null` with a value of the wrong type gives one error per branch: say it once.
function mergeTypeErrors(errors: GeneratedValidationError[]): GeneratedValidationError[] {
  const merged: GeneratedValidationError[] = [];
  const typeErrorAt = new Map<string, GeneratedValidationError>();
  for (const error of errors) {
    if (error.keyword !== 'type') {
      merged.push(error);
      continue;
    }
    const existing = typeErrorAt.get(error.instancePath);
    if (existing === undefined) {
      const copy = { ...error, params: { ...error.params } };
      typeErrorAt.set(error.instancePath, copy);
      merged.push(copy);
    } else {
      existing.params.type = `${String(existing.params.type)} or ${String(error.params.type)}`;
    }
  }
  return merged;
}

function describe(error: GeneratedValidationError, data: unknown): ConfigProblem {
  const pointer = error.instancePath;
  const found = () => `; found ${show(valueAt(data, pointer))}`;
  switch (error.keyword) {
    case 'required':
      return { pointer: `${pointer}/${pointerSegment(String(error.params.missingProperty))}`, message: 'is required' };
    case 'additionalProperties':
      return { pointer: `${pointer}/${pointerSegment(String(error.params.additionalProperty))}`, message: 'is not a known property' };
    case 'type':
      return { pointer, message: `must be ${String(error.params.type)}${found()}` };
    case 'enum':
      return { pointer, message: `must be one of ${(error.params.allowedValues as unknown[]).map(show).join(', ')}${found()}` };
    case 'const':
      if (pointer === '/version') {
        return { pointer, message: `unsupported runtime config version ${show(valueAt(data, pointer))}: this server reads version ${show(error.params.allowedValue)}` };
      }
      return { pointer, message: `must be ${show(error.params.allowedValue)}${found()}` };
    case 'pattern':
      return { pointer, message: `${PATTERN_HINTS[definitionName(error.schemaPath)] ?? `must match ${String(error.params.pattern)}`}${found()}` };
    case 'minItems':
      return { pointer, message: `must have at least ${String(error.params.limit)} item${error.params.limit === 1 ? '' : 's'}` };
    case 'minProperties':
    case 'maxProperties':
      return { pointer, message: `must have exactly one of ${Object.keys(propertiesHint(error)).join(' or ') || 'its properties'}` };
    default:
      return { pointer, message: error.message ?? `fails ${error.keyword}` };
  }
}

// The password source object is the only one with min/maxProperties: name its choices.
function propertiesHint(error: GeneratedValidationError): Record<string, true> {
  // the smart host's password and a directory's bind password: `{ env }` or `{ file }`
  return /\/(password|bindPassword)\//.test(error.schemaPath) ? { env: true, file: true } : {};
}

/** `#/$defs/Port/maximum` → `Port`. */
function definitionName(schemaPath: string): string {
  const match = /#\/\$defs\/([^/]+)\//.exec(schemaPath);
  return match?.[1] ?? '';
}

export function valueAt(data: unknown, pointer: string): unknown {
  if (pointer === '') return data;
  let value: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'array';
  if (value !== null && typeof value === 'object') return 'object';
  return JSON.stringify(value);
}
