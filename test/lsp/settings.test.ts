import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSession } from './helpers/lsp-session.js';

// Settings from the editor (section `smtppolicy`) through workspace/configuration.

const TEXT = 'server mx {\n  listen 0.0.0.0:25\n  hostname mx.example.test\n  local-domains example.test\n  recipients example.test { catch-all }\n  connections except { 192.0.2.1  192.0.2.1 }\n  relay { anyone }\n}\n';

test('rule severities and the debounce come from workspace/configuration, and follow its changes', { timeout: 60_000 }, async (t) => {
  const session = startSession();
  t.after(() => session.dispose());
  let settings: unknown = { diagnosticsDelayMs: 0, rules: { 'duplicate-entry': 'off', 'open-relay': 'warn' } };
  const asked: unknown[] = [];
  session.client.onRequest('workspace/configuration', (params: { items: { section?: string }[] }) => {
    asked.push(params.items.map((i) => i.section));
    return [settings];
  });
  const shown: string[] = [];
  session.client.onNotification('window/showMessage', (m: { message: string }) => {
    shown.push(m.message);
  });
  await session.client.sendRequest('initialize', { processId: null, rootUri: null, capabilities: { workspace: { configuration: true } } });
  await session.client.sendNotification('initialized', {});
  const uri = 'file:///settings/mx.smtppolicy';
  await session.open(uri, TEXT);

  const codes = (p: { diagnostics: { code?: unknown; severity?: number }[] }) => p.diagnostics.map((d) => `${String(d.code)}:${d.severity}`).sort();
  const first = await session.diagnostics(uri, (p) => codes(p).includes('open-relay:2'));
  assert.deepEqual(codes({ diagnostics: first }), ['open-relay:2']);
  assert.deepEqual(asked[0], ['smtppolicy']);

  settings = { rules: { 'duplicate-entry': 'error', 'no-such-rule': 'off' }, diagnosticsDelayMs: -1 };
  await session.client.sendNotification('workspace/didChangeConfiguration', { settings: null });
  const second = await session.diagnostics(uri, (p) => codes(p).includes('duplicate-entry:1'));
  assert.deepEqual(codes({ diagnostics: second }), ['duplicate-entry:1', 'open-relay:1']);
  assert.deepEqual(shown.sort(), [
    "smtppolicy.diagnosticsDelayMs must be a number of milliseconds (0 or more), found -1",
    "smtppolicy.rules: unknown rule 'no-such-rule' in the setting (run 'smtppolicy rules' for the list)",
  ]);
});
