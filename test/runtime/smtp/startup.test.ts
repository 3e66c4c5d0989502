// The server refuses to start, with one clear line, when it could not run securely.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeRuntimeConfig, src, type ServerConfigOverrides } from '../fixtures/config-builder.js';
import { startServer } from '../../../runtime/smtp/start-server.js';
import { tempDir, runServer } from '../../helpers/server-fixture.js';
import { makeCertificate } from '../../helpers/certificates.js';

const tlsWith = (certificate: string, key: string) => ({ certificates: [{ certificate, key, serverNames: [], source: src(21) }] });

test('missing certificate, mismatched key and a busy port refuse the start', { timeout: 20000 }, async (t) => {
  const dir = tempDir(t);
  const a = makeCertificate({ dir, name: 'a' });
  const b = makeCertificate({ dir, name: 'b' });
  const start = (servers: ServerConfigOverrides[]) =>
    startServer(makeRuntimeConfig({ storageDir: dir, servers }), { baseDir: dir, portOverride: () => 0, delivery: false });
  await assert.rejects(start([{ tls: tlsWith('missing.crt', 'missing.key') }]), /^Error: fixture\.smtppolicy:21:1: cannot read the certificate .*missing\.crt: ENOENT$/);
  await assert.rejects(start([{ tls: tlsWith(a.certPath, b.keyPath) }]), /does not match the certificate/);
  writeFileSync(join(dir, 'garbage.pem'), 'garbage');
  await assert.rejects(start([{ tls: tlsWith(join(dir, 'garbage.pem'), a.keyPath) }]), /is not a PEM certificate/);
  const running = await runServer(t, makeRuntimeConfig({ storageDir: dir }), { dir });
  const busy = running.port();
  await assert.rejects(
    startServer(makeRuntimeConfig({ storageDir: dir, servers: [{ listen: [{ address: '127.0.0.1', port: busy, tlsMode: 'starttls', source: src(11) }] }] }), { baseDir: dir, delivery: false }),
    /fixture\.smtppolicy:11:1: server 'default' cannot listen on 127\.0\.0\.1:\d+: EADDRINUSE/,
  );
});
