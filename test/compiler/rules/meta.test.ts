// Every rule must come with its documentation page, an insecure example that triggers it
// (and no other error), and its own table tests; ids are kebab-case and unique.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { checkPolicy } from '../../../compiler/check.js';
import { lookUpHostnames } from '../../../compiler/online/hostname-lookups.js';
import { RULES } from '../../../compiler/rules/index.js';
import { startDnsmasq } from '../../helpers/dnsmasq.js';

const root = join(import.meta.dirname, '..', '..', '..');

describe('rule catalogue', () => {
  it('ids are unique kebab-case and messages are non-empty', () => {
    const ids = RULES.map((r) => r.meta.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const { meta } of RULES) {
      assert.match(meta.id, /^[a-z0-9]+(-[a-z0-9]+)*$/);
      assert.ok(Object.keys(meta.messages).length > 0, `${meta.id} has no messages`);
      assert.ok(existsSync(join(root, 'compiler', 'rules', `${meta.id}.ts`)), `compiler/rules/${meta.id}.ts`);
    }
  });

  for (const { meta } of RULES) {
    it(`${meta.id} has a docs page with Avoid / Prefer / Rationale`, () => {
      const page = join(root, 'docs', 'rules', `${meta.id}.md`);
      assert.ok(existsSync(page), `missing docs/rules/${meta.id}.md`);
      const text = readFileSync(page, 'utf8');
      for (const heading of ['## Avoid', '## Prefer', '## Rationale']) assert.ok(text.includes(heading), `${meta.id}.md lacks ${heading}`);
    });

    it(`${meta.id} has table tests`, () => {
      assert.ok(existsSync(join(root, 'test', 'compiler', 'rules', `${meta.id}.test.ts`)), `missing test/compiler/rules/${meta.id}.test.ts`);
    });

    it(`examples/insecure/${meta.id}.smtppolicy reports ${meta.id} and no other error`, async (t) => {
      const example = join('examples', 'insecure', `${meta.id}.smtppolicy`);
      assert.ok(existsSync(join(root, example)), `missing ${example}`);
      // an online rule judges what DNS says: ask a DNS server on loopback that knows no name
      // under .test, as `lint --online` would ask the policy's resolver
      const dns = meta.online ? await startDnsmasq(t, {}) : null;
      if (meta.online && !dns) return;
      t.after(() => dns?.stop());
      const online = dns ? (config: Parameters<typeof lookUpHostnames>[0]) => lookUpHostnames({ ...config, resolver: { ...config.resolver, servers: [dns.server], timeoutMs: 10_000 } }) : false;
      const { diagnostics } = await checkPolicy(example, { cwd: root, online });
      assert.ok(diagnostics.some((d) => d.ruleId === meta.id), `${example} does not trigger ${meta.id}`);
      const otherErrors = diagnostics.filter((d) => d.ruleId !== meta.id && d.severity === 'error');
      assert.deepEqual(otherErrors.map((d) => `${d.ruleId}: ${d.message}`), []);
    });
  }

  it('the other examples lint clean: no findings at all', async () => {
    for (const name of ['quickstart', 'submission-server', 'directory-submission', 'internal-challenge-response', 'domain-connection-control', 'partner-relay']) {
      const { diagnostics } = await checkPolicy(join('examples', `${name}.smtppolicy`), { cwd: root });
      assert.deepEqual(diagnostics.map((d) => `${d.file}:${d.range.start.line} ${d.ruleId} ${d.message}`), [], name);
    }
  });
});
