// Which of a translation's approximations can show in which verify probe. A probe that fails
// on the real MTA is excused only by an approximation the translation reported for that
// server, on a setting the probe tests; the proof then lists it as skipped, with the
// report's own note. Any other failure is a failure of the translation. A setting reported
// unsupported excuses the same way: the proof runs what `compile --allow-approximate`
// writes, which leaves it out (plain `compile` refuses such a policy).
import type { MappingFinding } from '../../targets/index.js';

/**
 * For each probe (its id after `SERVER/PORT/`), the settings whose approximation a client
 * can see there: only these excuse it. A probe not listed is never excused.
 */
const SETTINGS_BY_PROBE: readonly { probe: RegExp; settings: readonly string[]; onlyUnsupported?: true }[] = [
  // a domain entry matches the forward-confirmed name, which fails differently
  { probe: /^connect\//, settings: ['ConnectionControl.entries (domain)'] },
  { probe: /^relay\/granted\//, settings: ['RelayConfig.entries (domain)'] },
  // an MTA that offers fewer mechanisms (OpenSMTPD: PLAIN and LOGIN only) lists fewer
  { probe: /^auth\/(before|after)-tls$/, settings: ['AuthConfig.mechanisms'] },
  // OpenSSL's protocol floor and cipher grades rather than the policy's numbers
  { probe: /^tls\/min-version$/, settings: ['TlsConfig.minVersion'] },
  { probe: /^tls\/min-cipher-bits$/, settings: ['TlsConfig.minCipherBits'] },
  { probe: /^tls\/certificate$/, settings: ['CertificateConfig.serverNames'] },
  // OpenSMTPD offers no login without TLS (unsupported): what a login, or its absence, decides
  { probe: /^(auth|relay|recipients)\//, settings: ['AuthConfig.mechanisms'], onlyUnsupported: true },
  // one recipient table per domain for every server (Postfix): another server's list decides
  { probe: /^recipients\//, settings: ['ServerConfig.localDomains'] },
  // anonymous mail off where no login is possible: refused at RCPT rather than at MAIL
  { probe: /^(relay|recipients)\//, settings: ['AuthConfig.anonymous'] },
];

/** The approximate (or unsupported) finding that accounts for a failed probe, or undefined when none does. */
export function excusingApproximation(probeId: string, findings: readonly MappingFinding[]): MappingFinding | undefined {
  const [server, , ...rest] = probeId.split('/');
  const entries = SETTINGS_BY_PROBE.filter((entry) => entry.probe.test(rest.join('/')));
  return findings.find((f) => f.fidelity !== 'exact' && (f.server === null || f.server === server)
    && entries.some((entry) => entry.settings.includes(f.setting) && (f.fidelity === 'unsupported' || !entry.onlyUnsupported)));
}

export function describeApproximation(finding: MappingFinding): string {
  return `${finding.setting} is ${finding.fidelity}${finding.note ? `: ${finding.note}` : ''}`;
}
