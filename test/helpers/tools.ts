// External tools the integration tests drive (openssl, swaks, dnsmasq). Missing tools skip
// a test on a developer machine but fail it under CI=true, so CI can never go green by
// silently not testing. .ci/run installs each of them (and swaks' optional Perl modules).
import { spawn, spawnSync } from 'node:child_process';
import type { TestContext } from 'node:test';
import { childOutput, type ChildOutput } from './child-output.js';

const found = new Map<string, string | null>();

export function toolPath(name: string): string | null {
  if (!found.has(name)) {
    const result = spawnSync('sh', ['-c', `command -v ${name} || ls /usr/sbin/${name} 2>/dev/null`], { encoding: 'utf8' });
    const path = result.stdout.trim().split('\n')[0] ?? '';
    found.set(name, path === '' ? null : path);
  }
  return found.get(name)!;
}

/** The tool's path; without it: throws under CI=true, else skips the test and returns null. */
export function requireTool(t: TestContext, name: string, install: string): string | null {
  const path = toolPath(name);
  if (path) return path;
  const message = `${name} is not installed (apt-get install -y ${install})`;
  if (process.env.CI === 'true') throw new Error(message);
  t.skip(message);
  return null;
}

/**
 * swaks features a test uses, as `swaks --support` names them, with the Debian package that
 * brings the Perl module behind each. swaks installs without them (`--no-install-recommends`
 * drops Net::SSLeay) and only says so when the feature is first used, mid-test.
 */
const SWAKS_FEATURES = {
  TLS: 'libnet-ssleay-perl',
  'Basic AUTH': 'perl',
  'AUTH CRAM-MD5': 'perl',
} as const;
export type SwaksFeature = keyof typeof SWAKS_FEATURES;

let swaksSupport: string | undefined;

/**
 * swaks' path when it is installed with every feature in `features`; otherwise throws under
 * CI=true, else skips the test and returns null (as requireTool).
 */
export function requireSwaks(t: TestContext, ...features: SwaksFeature[]): string | null {
  const swaks = requireTool(t, 'swaks', 'swaks');
  if (!swaks) return null;
  // `swaks --support` prints '=== <feature> supported' or '*** <feature> not available: requires <module>'
  swaksSupport ??= (() => {
    const listed = spawnSync(swaks, ['--support'], { encoding: 'utf8' });
    return `${listed.stdout}${listed.stderr}`;
  })();
  const missing = features.filter((feature) => !swaksSupport!.includes(`=== ${feature} supported`));
  if (missing.length === 0) return swaks;
  const packages = [...new Set(missing.map((feature) => SWAKS_FEATURES[feature]))].join(' ');
  const lines = swaksSupport.split('\n').filter((line) => missing.some((feature) => line.includes(feature)));
  const message = `swaks lacks ${missing.join(', ')} (${lines.join('; ').trim() || 'not listed by swaks --support'}): apt-get install -y ${packages}`;
  if (process.env.CI === 'true') throw new Error(message);
  t.skip(message);
  return null;
}

export type ToolResult = ChildOutput;

/**
 * Runs a tool without blocking the event loop (the server under test runs in this
 * process, so spawnSync would deadlock it), feeding `input` on stdin, killed after
 * `timeoutMs`.
 */
export async function runTool(command: string, args: string[], options: { input?: string; timeoutMs?: number } = {}): Promise<ToolResult> {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const output = childOutput(child);
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 10000);
  child.stdin.on('error', () => {});
  child.stdin.end(options.input ?? '');
  try {
    return await output;
  } finally {
    clearTimeout(timer);
  }
}
