// A domain announces MTA-STS but its policy cannot be fetched: the failure is remembered, so
// the messages that follow do not each wait for (and log) the same failure; a new TXT id or
// the end of FAILED_FETCH_RETRY_MS brings a new fetch. The resolver is a stand-in whose
// address lookups for the policy host fail: each fetch is one such lookup, and no network
// is needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FAILED_FETCH_RETRY_MS, MtaSts } from '../../../runtime/delivery/mta-sts.js';
import type { DnsResolver } from '../../../runtime/dns/dns-resolver.js';

function brokenPolicyHost() {
  const state = { txtId: '1', fetches: 0, clock: Date.parse('2026-12-02T12:00:00Z') };
  const fail = (code: string) => Promise.reject(Object.assign(new Error(code), { code }));
  const resolver = {
    resolveTxt: async (name: string) => (name === '_mta-sts.broken.test' ? [[`v=STSv1; id=${state.txtId}`]] : fail('ENODATA')),
    resolve4: (name: string) => {
      if (name === 'mta-sts.broken.test') state.fetches += 1;
      return fail('ESERVFAIL');
    },
    resolve6: () => fail('ESERVFAIL'),
  } as unknown as DnsResolver;
  const sts = new MtaSts({ resolver, now: () => state.clock });
  return { state, sts };
}

test('a failed policy fetch is not repeated for each message, and is logged once', async () => {
  const { state, sts } = brokenPolicyHost();
  const first = await sts.policyFor('broken.test');
  assert.equal(first.policy, null);
  assert.match(String(first.note), /^MTA-STS policy of broken\.test could not be fetched: .*ESERVFAIL/);
  for (let i = 0; i < 3; i++) assert.deepEqual(await sts.policyFor('broken.test'), { policy: null, note: null });
  assert.equal(state.fetches, 1);
});

test('a new TXT id or the end of the wait brings a new fetch', async () => {
  const { state, sts } = brokenPolicyHost();
  await sts.policyFor('broken.test');
  state.txtId = '2';
  assert.match(String((await sts.policyFor('broken.test')).note), /could not be fetched/);
  assert.equal(state.fetches, 2);
  state.clock += FAILED_FETCH_RETRY_MS - 1;
  await sts.policyFor('broken.test');
  assert.equal(state.fetches, 2);
  state.clock += 1;
  assert.match(String((await sts.policyFor('broken.test')).note), /could not be fetched/);
  assert.equal(state.fetches, 3);
});
