// MTA-STS (RFC 8461) as text: the `_mta-sts` TXT record that announces a policy, the policy
// file served at https://mta-sts.<domain>/.well-known/mta-sts.txt, and whether an MX host
// name matches the policy's `mx` patterns. Pure functions; mta-sts.ts fetches and caches.

export type MtaStsMode = 'enforce' | 'testing' | 'none';

export interface MtaStsPolicy {
  mode: MtaStsMode;
  /** `mail.example.com` or `*.example.com` (exactly one label in place of the `*`). */
  mx: string[];
  maxAgeSeconds: number;
}

/** RFC 8461 §3.2: max_age is at most 31557600 seconds (about a year). */
export const MAX_AGE_LIMIT_SECONDS = 31_557_600;

/**
 * The policy id of a TXT record set (§3.1): exactly one record starting with `v=STSv1`,
 * with an `id` of 1 to 32 letters and digits. null when the domain announces no policy
 * (none, several, or malformed records all mean "no policy" to a sender).
 */
export function parseStsRecord(records: string[][]): string | null {
  const sts = records.map((chunks) => chunks.join('')).filter((text) => /^v=STSv1;/.test(text.trim()) || text.trim() === 'v=STSv1');
  if (sts.length !== 1) return null;
  const fields = new Map<string, string>();
  for (const part of sts[0]!.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const id = fields.get('id');
  return id !== undefined && /^[A-Za-z0-9]{1,32}$/.test(id) ? id : null;
}

/** The policy file (§3.2), or why it is not one. Unknown keys are ignored, as the RFC asks. */
export function parseStsPolicy(text: string): MtaStsPolicy | { error: string } {
  let version: string | undefined;
  let mode: string | undefined;
  let maxAge: string | undefined;
  const mx: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) return { error: `not a 'key: value' line: ${JSON.stringify(line.slice(0, 80))}` };
    const key = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (key === 'version') version = value;
    else if (key === 'mode') mode = value;
    else if (key === 'max_age') maxAge = value;
    else if (key === 'mx') mx.push(value.toLowerCase().replace(/\.$/, ''));
  }
  if (version !== 'STSv1') return { error: `version is ${JSON.stringify(version ?? null)}, expected "STSv1"` };
  if (mode !== 'enforce' && mode !== 'testing' && mode !== 'none') return { error: `mode is ${JSON.stringify(mode ?? null)}, expected enforce, testing or none` };
  if (maxAge === undefined || !/^\d{1,10}$/.test(maxAge)) return { error: `max_age is ${JSON.stringify(maxAge ?? null)}, expected a number of seconds` };
  if (mode !== 'none' && mx.length === 0) return { error: `mode ${mode} without any mx pattern` };
  return { mode, mx, maxAgeSeconds: Math.min(Number(maxAge), MAX_AGE_LIMIT_SECONDS) };
}

/** §4.1: a pattern `*.example.com` matches `mx1.example.com`, not `example.com` nor `a.b.example.com`. */
export function mxMatchesPolicy(host: string, policy: MtaStsPolicy): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  return policy.mx.some((pattern) => {
    if (!pattern.startsWith('*.')) return pattern === name;
    const dot = name.indexOf('.');
    return dot > 0 && name.slice(dot + 1) === pattern.slice(2);
  });
}
