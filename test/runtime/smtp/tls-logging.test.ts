// What the log says about TLS is what happened: a listener without a certificate is not
// logged as offering STARTTLS, and a failed handshake is one `tls-error` line that names
// the client (not two anonymous `smtp-error` lines).
import assert from 'node:assert/strict';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { test } from 'node:test';
import { makeCertificate } from '../../helpers/certificates.js';
import { runServer, tempDir } from '../../helpers/server-fixture.js';
import { RawSmtpClient } from '../../helpers/smtp-client.js';
import { makeRuntimeConfig, src } from '../fixtures/config-builder.js';

/** Only TLS 1.1 offered (SECLEVEL=0, or this side would not even offer it): the server's 1.2 minimum refuses it. */
const OLD_TLS = { minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' } as const;

async function waitFor<T>(find: () => T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const found = find();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

test('listening lines say tlsMode none for a server without a certificate, and the real mode for one with', async (t) => {
  const dir = tempDir(t, 'smtppolicy-tls-log-');
  const cert = makeCertificate({ dir });
  const config = makeRuntimeConfig({
    storageDir: dir,
    servers: [
      { name: 'plain', listen: [{ address: '127.0.0.1', port: 2525, tlsMode: 'starttls', source: src(11) }] },
      {
        name: 'secure',
        listen: [{ address: '127.0.0.1', port: 2587, tlsMode: 'starttls', source: src(31) }, { address: '127.0.0.1', port: 2465, tlsMode: 'implicit', source: src(32) }],
        tls: { mode: 'required', certificates: [{ certificate: cert.certPath, key: cert.keyPath, serverNames: [], source: src(33) }] },
      },
    ],
  });
  const running = await runServer(t, config, { dir });
  const modes = running.logs.filter((l) => l.event === 'listening').map((l) => `${String(l.server)} ${String(l.tlsMode)}`).sort();
  assert.deepEqual(modes, ['plain none', 'secure implicit', 'secure starttls']);

  // a failed STARTTLS handshake: one line, with the client
  const client = await RawSmtpClient.connect({ port: running.port('secure', 'starttls'), localAddress: '127.0.0.61' });
  t.after(() => client.close());
  assert.equal((await client.read())?.code, 220);
  await client.command('EHLO client.example');
  assert.equal((await client.command('STARTTLS'))?.code, 220);
  await assert.rejects(client.upgrade(OLD_TLS));
  const starttls = await waitFor(() => running.logs.find((l) => l.event === 'tls-error' && l.client === '127.0.0.61'), 'the STARTTLS tls-error line');
  assert.equal(starttls.tlsMode, 'starttls');
  assert.equal(starttls.server, 'secure');
  assert.match(String(starttls.error), /protocol/i);

  // a failed implicit-TLS handshake: one line, with the client
  await assert.rejects(new Promise((resolve, reject) => {
    const options = { port: running.port('secure', 'implicit'), host: '127.0.0.1', localAddress: '127.0.0.62', rejectUnauthorized: false, ...OLD_TLS };
    const socket = tlsConnect(options as ConnectionOptions, () => resolve(socket));
    socket.once('error', reject);
  }));
  const implicit = await waitFor(() => running.logs.find((l) => l.event === 'tls-error' && l.client === '127.0.0.62'), 'the implicit tls-error line');
  assert.equal(implicit.tlsMode, 'implicit');
  assert.equal(implicit.server, 'secure');

  await new Promise((resolve) => setTimeout(resolve, 200)); // anything logged twice would be here by now
  assert.equal(running.logs.filter((l) => l.event === 'tls-error').length, 2, JSON.stringify(running.logs.filter((l) => l.event !== 'listening')));
  assert.deepEqual(running.logs.filter((l) => l.event === 'smtp-error'), [], 'no anonymous error lines');
});
