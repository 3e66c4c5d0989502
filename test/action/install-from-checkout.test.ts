// The GitHub Action with `version: checkout` on a checkout without a build, as GitHub
// checks the action out: the install step builds it with `npm ci` (npm offline here, from
// the cache that the project's own `npm ci` filled), and the action then lints with it.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { REPO_ROOT, snapshotCheckout } from '../helpers/checkout-snapshot.js';
import { loadAction, runCompositeAction } from './composite-action.js';

describe('GitHub Action, version: checkout', { timeout: 20 * 60_000 }, () => {
  const temps: string[] = [];
  after(() => Promise.all(temps.map((t) => rm(t, { recursive: true, force: true }))));

  it('builds the action checkout with npm ci when it has no build, then lints with it', async () => {
    const actionPath = await mkdtemp(join(tmpdir(), 'smtppolicy-action-checkout-'));
    const runnerTemp = await mkdtemp(join(tmpdir(), 'smtppolicy-action-'));
    temps.push(actionPath, runnerTemp);
    await snapshotCheckout(actionPath);
    assert.equal(existsSync(join(actionPath, 'dist')), false);

    const action = await loadAction(join(actionPath, 'action.yml'));
    const run = await runCompositeAction(action, {
      actionPath,
      workspace: REPO_ROOT,
      runnerTemp,
      inputs: { version: 'checkout', paths: 'examples/insecure/open-relay.smtppolicy' },
      env: { npm_config_offline: 'true' },
    });
    const install = run.steps[0]!;
    assert.equal(install.status, 0, install.stdout + install.stderr);
    assert.match(install.stdout, /Building smtppolicy from the action's checkout/);
    assert.match(install.stdout, new RegExp(`smtppolicy \\d+\\.\\d+\\.\\d+ at ${join(actionPath, 'dist/bin/smtppolicy.js').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    assert.equal(run.status, 1, 'the open relay fails the action');
    assert.match(run.summary, /\[open-relay\]/);
  });
});
