// Policies generated for the proofs of `compile --target postfix|opensmtpd` on the real
// MTAs: a seeded fast-check arbitrary over what an MTA can be probed for on loopback
// (connection lists and relay grants of loopback addresses, relay for logged-in users,
// basic auth, TLS none/optional/required with STARTTLS and implicit listeners, anonymous
// mail on or off, local domains with a recipient list or catch-all, message size and
// recipient limits). Each shape is rendered as policy text, so the proofs go through the
// parser and compiler as `smtppolicy compile` does. The seed is fixed: the set is the same on
// every run, and a failure names the policy's text, which is all it takes to replay it.
import fc from 'fast-check';

/** Loopback entries: 127.0.0.1 is verify's preferred source, the others are addresses it can bind. */
const ADDRESS_POOL = ['127.0.0.1', '127.0.0.5', '127.0.0.66', '127.0.0.0/26', '127.0.0.0/28', '127.0.1.0/24', '127.0.0.0/8'] as const;
const LOCAL_DOMAINS = ['example.test', 'local.test'] as const;

export interface MtaPolicyShape {
  hostname: 'mx.example.test' | 'mail.example.test';
  connections: null | { mode: 'only' | 'except'; entries: string[] };
  /** null: no relay block (the default, `relay { authenticated }`). */
  relay: null | { authenticated: boolean; entries: string[] };
  /** null: no auth block (anonymous mail only). */
  auth: null | { basic: boolean; anonymous: boolean; senderMustMatch: boolean };
  tls: null | { mode: 'require' | 'optional'; implicitListener: boolean };
  localDomains: { domain: string; recipients: 'list' | 'catch-all' | 'none' }[];
  limits: { messageSize: string | null; recipients: number | null };
}

const entries = fc.uniqueArray(fc.constantFrom(...ADDRESS_POOL), { minLength: 1, maxLength: 3 });

export const mtaPolicyShape: fc.Arbitrary<MtaPolicyShape> = fc.record({
  hostname: fc.constantFrom<MtaPolicyShape['hostname']>('mx.example.test', 'mail.example.test'),
  connections: fc.option(fc.record({ mode: fc.constantFrom<'only' | 'except'>('only', 'except'), entries }), { nil: null, freq: 2 }),
  relay: fc.option(fc.record({ authenticated: fc.boolean(), entries: fc.uniqueArray(fc.constantFrom(...ADDRESS_POOL), { maxLength: 3 }) }), { nil: null }),
  auth: fc.option(fc.record({ basic: fc.boolean(), anonymous: fc.boolean(), senderMustMatch: fc.boolean() }), { nil: null, freq: 2 }),
  tls: fc.option(fc.record({ mode: fc.constantFrom<'require' | 'optional'>('require', 'optional'), implicitListener: fc.boolean() }), { nil: null, freq: 2 }),
  localDomains: fc.subarray([...LOCAL_DOMAINS], { minLength: 1 }).chain((domains) =>
    fc.tuple(...domains.map((domain) => fc.constantFrom<'list' | 'catch-all' | 'none'>('list', 'catch-all', 'none').map((recipients) => ({ domain, recipients }))))),
  limits: fc.record({
    messageSize: fc.option(fc.constantFrom('1MB', '10MB', '25MB'), { nil: null }),
    recipients: fc.option(fc.constantFrom(5, 50, 100), { nil: null }),
  }),
});

/** The policy text of a shape, as an operator would write it. */
export function policyText(shape: MtaPolicyShape): string {
  const lines: string[] = [];
  if (shape.auth?.basic) lines.push('users u file "u.passwd"', '');
  lines.push('server mx {', '  listen 127.0.0.1:2525');
  if (shape.tls?.implicitListener) lines.push('  listen 127.0.0.1:2465 implicit-tls');
  lines.push(`  hostname ${shape.hostname}`);
  if (shape.tls) {
    lines.push('  tls {',
      '    certificate "c.pem" # smtppolicy-ignore certificate-not-found -- the test\'s certificate replaces it',
      '    key "c.key"',
      `    ${shape.tls.mode}`,
      '  }');
  }
  if (shape.connections) lines.push(`  connections ${shape.connections.mode} { ${shape.connections.entries.join(', ')} }`);
  if (shape.auth) {
    const settings = [...(shape.auth.basic ? ['basic users u'] : []), ...(shape.auth.anonymous ? ['anonymous'] : []), ...(shape.auth.senderMustMatch ? ['sender-must-match'] : [])];
    lines.push(`  auth { ${settings.join('  ')} }`.replace('{  }', '{}'));
  }
  if (shape.relay) lines.push(`  relay { ${[...(shape.relay.authenticated ? ['authenticated'] : []), ...shape.relay.entries].join(', ')} }`.replace('{  }', '{}'));
  lines.push(`  local-domains ${shape.localDomains.map((d) => d.domain).join(', ')}`);
  for (const { domain, recipients } of shape.localDomains) {
    if (recipients === 'list') lines.push(`  recipients ${domain} {`, '    alias "info" to "postmaster"', '  }');
    if (recipients === 'catch-all') lines.push(`  recipients ${domain} { catch-all }`);
  }
  const limits = [...(shape.limits.messageSize ? [`message-size ${shape.limits.messageSize}`] : []), ...(shape.limits.recipients ? [`recipients ${shape.limits.recipients}`] : [])];
  if (limits.length > 0) lines.push('  limits {', ...limits.map((l) => `    ${l}`), '  }');
  lines.push('}', '');
  return lines.join('\n');
}

/** A title that says what the policy varies, so the test list reads as the set's coverage. */
export function shapeTitle(shape: MtaPolicyShape, index: number): string {
  const parts = [
    shape.connections ? `connections ${shape.connections.mode} ${shape.connections.entries.join(' ')}` : 'open connections',
    shape.relay ? `relay {${[...(shape.relay.authenticated ? ['authenticated'] : []), ...shape.relay.entries].join(' ')}}` : 'default relay',
    shape.auth ? `auth {${[shape.auth.basic && 'basic', shape.auth.anonymous && 'anonymous', shape.auth.senderMustMatch && 'sender-must-match'].filter(Boolean).join(' ')}}` : 'no auth',
    shape.tls ? `TLS ${shape.tls.mode}${shape.tls.implicitListener ? ' + implicit' : ''}` : 'no TLS',
    shape.localDomains.map((d) => `${d.domain} ${d.recipients}`).join(', '),
  ];
  return `generated #${index}: ${parts.join('; ')}`;
}

/**
 * The seed of the proofs' set, chosen so that its first 5 shapes (OpenSMTPD's share, each a
 * fresh smtpd start) and its 12 (Postfix's) each reach every dimension `uncovered` checks.
 */
export const PROOF_SEED = 8;

/** The fixed set: `count` shapes drawn with `seed` (the same shapes on every run). */
export function generatedShapes(count: number, seed = PROOF_SEED): MtaPolicyShape[] {
  return fc.sample(mtaPolicyShape, { seed, numRuns: count });
}

/**
 * What a set fails to reach, as sentences; empty when it varies every dimension. A test runs
 * this on the fixed set, so that a change of the arbitrary or the seed cannot quietly leave
 * a whole dimension (say, every implicit-TLS listener) out of the proof.
 */
export function uncovered(shapes: readonly MtaPolicyShape[]): string[] {
  const missing: string[] = [];
  const want = (what: string, found: boolean) => { if (!found) missing.push(what); };
  want('an allow-list', shapes.some((s) => s.connections?.mode === 'only'));
  want('a deny-list', shapes.some((s) => s.connections?.mode === 'except'));
  want('a relay grant by address', shapes.some((s) => (s.relay?.entries.length ?? 0) > 0));
  want('relay for authenticated users', shapes.some((s) => s.relay === null || s.relay.authenticated));
  want('basic auth', shapes.some((s) => s.auth?.basic));
  want('anonymous mail off', shapes.some((s) => s.auth !== null && !s.auth.anonymous));
  want('anonymous mail on', shapes.some((s) => s.auth === null || s.auth.anonymous));
  want('no TLS', shapes.some((s) => s.tls === null));
  want('TLS optional', shapes.some((s) => s.tls?.mode === 'optional'));
  want('TLS required', shapes.some((s) => s.tls?.mode === 'require'));
  want('an implicit-TLS listener', shapes.some((s) => s.tls?.implicitListener));
  want('a recipient list', shapes.some((s) => s.localDomains.some((d) => d.recipients === 'list')));
  want('a catch-all domain', shapes.some((s) => s.localDomains.some((d) => d.recipients === 'catch-all')));
  want('a message size limit', shapes.some((s) => s.limits.messageSize !== null));
  want('a recipient limit', shapes.some((s) => s.limits.recipients !== null));
  return missing;
}
