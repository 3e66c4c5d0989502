// TLS as testssl.sh judges it, checked with openssl s_client over STARTTLS: a client may not
// renegotiate (each renegotiation would cost the server a handshake the client gets for
// free), and with the default minimum (TLS 1.2) only AEAD suites are offered: CBC suites
// (Lucky 13) are refused at the handshake. A policy that allows TLS 1.0 asks for old
// clients, and keeps the CBC suites they need.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { requireTool, runTool } from '../../helpers/tools.js';
import { makeCertificate } from '../../helpers/certificates.js';
import { runServer, tempDir, type RunningServer } from '../../helpers/server-fixture.js';
import { makeTlsConfig } from '../../runtime/fixtures/config-builder.js';
import type { TlsConfig } from '../../../runtime/config/types.js';
import { abuseConfig } from './abuse-helpers.js';

const CBC = ['ECDHE-ECDSA-AES128-SHA256', 'ECDHE-ECDSA-AES256-SHA384', 'ECDHE-ECDSA-AES128-SHA', 'ECDHE-ECDSA-AES256-SHA'];
const AEAD = ['ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-ECDSA-CHACHA20-POLY1305'];

async function tlsServer(t: TestContext, tls: Partial<TlsConfig> = {}): Promise<RunningServer> {
  const dir = tempDir(t, 'smtppolicy-tls-');
  mkdirSync(join(dir, 'tls'));
  makeCertificate({ dir: join(dir, 'tls'), name: 'server' });
  return runServer(t, abuseConfig(dir, { tls: makeTlsConfig({ mode: 'optional', ...tls }) }), { dir });
}

/** One STARTTLS handshake with s_client; the suite it negotiated, or null when refused. */
async function negotiated(openssl: string, port: number, args: string[]): Promise<string | null> {
  const result = await runTool(openssl, ['s_client', '-connect', `127.0.0.1:${port}`, '-starttls', 'smtp', ...args], { input: '', timeoutMs: 30000 });
  // `New, TLSv1.2, Cipher is X` (the session block after it is not printed for TLS 1.3 when
  // the client leaves at once); `New, (NONE), Cipher is (NONE)` when the handshake failed
  const cipher = /^New, \S+, Cipher is (\S+)$/m.exec(result.stdout)?.[1];
  return cipher && cipher !== '(NONE)' ? cipher : null;
}

test('client-initiated renegotiation is refused (openssl s_client sends R)', { timeout: 60000 }, async (t) => {
  const openssl = requireTool(t, 'openssl', 'openssl');
  if (!openssl) return;
  const running = await tlsServer(t);
  const result = await runTool(openssl, ['s_client', '-connect', `127.0.0.1:${running.port()}`, '-starttls', 'smtp', '-tls1_2', '-crlf'], { input: 'R\n', timeoutMs: 30000 });
  const output = result.stdout + result.stderr;
  assert.match(output, /^RENEGOTIATING/m, 'the client asked to renegotiate');
  assert.match(output, /no renegotiation/, output.slice(-2000));
});

test('with the default minimum (TLS 1.2) CBC suites are refused and AEAD suites accepted', { timeout: 180000 }, async (t) => {
  const openssl = requireTool(t, 'openssl', 'openssl');
  if (!openssl) return;
  const port = (await tlsServer(t)).port();
  for (const cipher of CBC) assert.equal(await negotiated(openssl, port, ['-tls1_2', '-cipher', cipher]), null, `${cipher} was accepted`);
  for (const cipher of AEAD) assert.equal(await negotiated(openssl, port, ['-tls1_2', '-cipher', cipher]), cipher);
  assert.equal(await negotiated(openssl, port, ['-tls1_3']), 'TLS_AES_256_GCM_SHA384');
});

test('a policy that allows TLS 1.0 keeps the CBC suites old clients need', { timeout: 60000 }, async (t) => {
  const openssl = requireTool(t, 'openssl', 'openssl');
  if (!openssl) return;
  const port = (await tlsServer(t, { minVersion: 'TLSv1' })).port();
  assert.equal(await negotiated(openssl, port, ['-tls1_2', '-cipher', 'ECDHE-ECDSA-AES128-SHA256']), 'ECDHE-ECDSA-AES128-SHA256');
});
