import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { makeCertificate } from '../helpers/certificates.js';
import { requireTool } from '../helpers/tools.js';
import { readCertificateFile } from '../../lsp/certificate-reader.js';
import { startSession, type LspSession } from './helpers/lsp-session.js';

// Inlay hints after `certificate "…"` with what the certificate file on disk says: days left,
// or, as a warning, that it expired or is not valid yet. Real certificates made with openssl;
// the server's clock is moved instead of waiting for a certificate to expire.

const DAY_MS = 24 * 60 * 60 * 1000;
let dir: string;
let session: LspSession;
let now = new Date();

before(() => {
  dir = join(makeCertificate({ name: 'short', days: 2 }).dir);
  makeCertificate({ dir, name: 'long', days: 400 });
  mkdirSync(join(dir, 'certs'));
  makeCertificate({ dir: join(dir, 'certs'), name: 'other', days: 90 });
  session = startSession({ certificates: { read: readCertificateFile, now: () => now } });
  return session.initialize();
});

after(async () => {
  await session.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const POLICY = `server mx {
  listen 10.0.0.1:25
  hostname mail.example.test
  tls {
    certificate "short.crt"
    key "short.key"
    optional
    sni other.example.test { certificate "certs/other.crt"  key "certs/other.key" }
  }
}
server submission {
  listen 10.0.0.1:587
  hostname mail.example.test
  tls { certificate "long.crt"  key "long.key"  require }
}
server broken {
  listen 10.0.0.2:25
  hostname mx2.example.test
  tls { certificate "missing.crt"  key "short.key"  optional }
}
`;

async function certificateHints(t: import('node:test').TestContext): Promise<[number, number, string][] | undefined> {
  if (!requireTool(t, 'openssl', 'openssl')) return undefined;
  const uri = pathToFileURL(join(dir, `policy-${Math.random().toString(36).slice(2)}.smtppolicy`)).href;
  await session.open(uri, POLICY);
  const hints = await session.request<{ position: { line: number; character: number }; label: string }[]>('textDocument/inlayHint', {
    textDocument: { uri },
    range: { start: { line: 0, character: 0 }, end: { line: 20, character: 0 } },
  });
  await session.close(uri);
  return hints.filter((h) => /expire|valid/i.test(h.label)).map((h) => [h.position.line, h.position.character, h.label]);
}

test('each certificate says how long it stays valid; one about to expire says to renew it; a missing file says nothing', { timeout: 60_000 }, async (t) => {
  now = new Date();
  const hints = await certificateHints(t);
  if (!hints) return;
  assert.deepEqual(hints, [
    [4, 27, '⚠ expires in 1 day: renew it'],
    [7, 58, 'expires in 89 days'],
    [13, 30, 'expires in 399 days'],
  ]);
});

test('an expired certificate is a warning that says how long ago, and a certificate from the future says it is not valid yet', { timeout: 60_000 }, async (t) => {
  now = new Date(Date.now() + 12 * DAY_MS);
  let hints = await certificateHints(t);
  if (!hints) return;
  assert.match(hints[0]![2], /^⚠ EXPIRED 10 days ago \(\d{4}-\d\d-\d\d\): clients refuse it$/);
  assert.equal(hints[2]![2], 'expires in 387 days');

  now = new Date(Date.now() - 3 * DAY_MS);
  hints = await certificateHints(t);
  assert.match(hints![0]![2], /^⚠ NOT VALID YET: valid from \d{4}-\d\d-\d\d, clients refuse it until then$/);
});
