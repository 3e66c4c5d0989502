// The vocabulary of `verify`: what a probe reports and what a whole run reports. This is
// also the JSON that `smtppolicy verify --format json` prints (documented in README.md).

export type ProbeStatus = 'pass' | 'fail' | 'skipped';

export interface ProbeResult {
  /** Stable id: `<server>/<configured port>/<area>/<check>[/<source address>]`. */
  id: string;
  title: string;
  status: ProbeStatus;
  /** What the policy says should happen, in words and SMTP replies. */
  expected: string;
  /** What the server did ('' when the probe was skipped before doing anything). */
  observed: string;
  /** The policy location (`file:line:col`) of the setting the probe checks. */
  source: string | null;
  /** The SMTP exchange, on failure (secrets are never recorded). */
  transcript?: string[];
  /** Why a probe was skipped. */
  reason?: string;
}

export interface VerifySummary {
  pass: number;
  fail: number;
  skipped: number;
}

export interface VerifyReport {
  /** The host given with --target, or null when the policy's listen addresses were used. */
  target: string | null;
  /** The server given with --server, or null for every server of the policy. */
  server: string | null;
  summary: VerifySummary;
  probes: ProbeResult[];
}

export interface VerifyCredentials {
  user: string;
  password: string;
}

export interface VerifyOptions {
  /** Connect here instead of the listen addresses of the policy. */
  target?: string;
  /** Configured port → port to connect to (NAT, tests on OS-chosen ports). */
  portMap?: ReadonlyMap<number, number>;
  /** Source addresses to connect from; empty: chosen from the policy when the target is loopback. */
  sources?: readonly string[];
  /** Only this server of the policy. */
  serverName?: string;
  credentials?: VerifyCredentials;
  /** Bound on each connect, handshake and reply. */
  timeoutMs: number;
  /** The time certificates are checked against (tests). Default: now. */
  now?: () => Date;
}

export function summarize(probes: readonly ProbeResult[]): VerifySummary {
  const summary: VerifySummary = { pass: 0, fail: 0, skipped: 0 };
  for (const probe of probes) summary[probe.status]++;
  return summary;
}
