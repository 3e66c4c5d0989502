// testssl.sh (the Debian package, command `testssl`) against the quickstart, as an operator
// would run it before going live: `--starttls smtp` on the inbound (port 25) listener. Offline and bounded:
// the address is given (`--ip`), no DNS (`--nodns none`), the system openssl, and only the
// checks that judge the server's own TLS: protocols (-p), cipher categories (-s) and
// vulnerabilities (-U). The certificate checks (-S) are left out: the quickstart's
// certificate is self-signed on purpose. About a minute on an idle machine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireTool, runTool } from '../../helpers/tools.js';
import { tempDir } from '../../helpers/server-fixture.js';
import { serveQuickstart } from '../../verify/quickstart-fixture.js';

interface Finding {
  id: string;
  severity: string;
  finding: string;
}

test('testssl.sh --starttls smtp against the quickstart: no finding says VULNERABLE, none is rated medium or worse', { timeout: 300_000 }, async (t) => {
  const testssl = requireTool(t, 'testssl', 'testssl.sh');
  if (!testssl) return;
  const { running } = await serveQuickstart(t);
  const port = running.port('inbound', 'starttls');
  const json = join(tempDir(t, 'smtppolicy-testssl-'), 'testssl.json');
  const started = Date.now();
  const result = await runTool(testssl, [
    '--quiet', '--color', '0', '--warnings', 'off', '--nodns', 'none', '--ip', '127.0.0.1',
    '--jsonfile', json, '-p', '-s', '-U', '--starttls', 'smtp', `127.0.0.1:${port}`,
  ], { timeoutMs: 280_000 });
  t.diagnostic(`testssl ran ${Math.round((Date.now() - started) / 1000)} s`);
  const findings = JSON.parse(readFileSync(json, 'utf8')) as Finding[];
  const ids = new Set(findings.map((f) => f.id));
  // the scan reached the server and ran the checks (a refused connection also writes a file)
  for (const id of ['TLS1_2', 'cipherlist_STRONG', 'secure_client_renego', 'LUCKY13', 'heartbleed']) assert.ok(ids.has(id), `${id} missing:\n${result.stdout}`);
  const bad = findings.filter((f) => /VULNERABLE/.test(f.finding) || ['MEDIUM', 'HIGH', 'CRITICAL'].includes(f.severity));
  assert.deepEqual(bad, [], result.stdout);
});
