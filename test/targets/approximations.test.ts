// The proofs on the real MTAs excuse a failed probe only by a finding on a setting that probe
// sees (approximations.ts): an approximation elsewhere in the report must not hide a failure.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MappingFinding } from '../../targets/index.js';
import { excusingApproximation } from './approximations.js';

function finding(setting: string, fidelity: MappingFinding['fidelity'], server: string | null = 'mx'): MappingFinding {
  return { setting, server, fidelity, mapping: '', note: 'what differs', source: null };
}

describe('which finding excuses a failed probe on a real MTA', () => {
  it('an approximation excuses the probes that see its setting, on its own server', () => {
    const mechanisms = finding('AuthConfig.mechanisms', 'approximate');
    assert.equal(excusingApproximation('mx/2525/auth/before-tls', [mechanisms]), mechanisms);
    assert.equal(excusingApproximation('other/2525/auth/before-tls', [mechanisms]), undefined);
  });

  it('nothing else: an approximate setting the probe does not see, an exact one, or an approximation only unsupported excuses', () => {
    assert.equal(excusingApproximation('mx/2525/auth/before-tls', [finding('AuthConfig.senderMustMatch', 'approximate')]), undefined);
    assert.equal(excusingApproximation('mx/2525/connect/127.0.0.1', [finding('ConnectionControl.entries (address)', 'exact')]), undefined);
    // OpenSMTPD's "PLAIN and LOGIN only" must not excuse a refused local recipient
    assert.equal(excusingApproximation('mx/2525/relay/local-domain', [finding('AuthConfig.mechanisms', 'approximate')]), undefined);
    const noLogin = finding('AuthConfig.mechanisms', 'unsupported');
    assert.equal(excusingApproximation('mx/2525/relay/local-domain', [noLogin]), noLogin);
    assert.equal(excusingApproximation('mx/2525/tls/handshake', [noLogin]), undefined);
  });
});
