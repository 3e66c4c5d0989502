// `serve --dev-certificate` makes its certificate in-process: what it writes is a usable
// P-256 certificate for every name that shares the file, with a private key only its owner
// can read, and it never touches a file that is already there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSecureContext } from 'node:tls';
import { ensureDevCertificates } from '../../../runtime/smtp/dev-certificate.js';
import { tempDir } from '../../helpers/server-fixture.js';
import { makeRuntimeConfig, src } from '../fixtures/config-builder.js';

function configWith(certificate: string, key: string) {
  const tls = (serverNames: string[]) => ({ certificates: [{ certificate, key, serverNames, source: src(21) }], mode: 'required' as const });
  return makeRuntimeConfig({
    servers: [
      { name: 'inbound', hostname: 'mx.example.test', tls: tls([]) },
      { name: 'submission', hostname: 'mail.example.test', tls: tls(['smtp.example.test']) },
    ],
  });
}

test('the development certificate is a P-256 certificate for every name sharing it and 127.0.0.1; its key is mode 0600', async (t) => {
  const dir = tempDir(t);
  const created = await ensureDevCertificates(configWith('tls/dev.pem', 'tls/dev.key'), dir);
  assert.deepEqual(created, [join(dir, 'tls', 'dev.pem')]);
  const certificate = new X509Certificate(readFileSync(join(dir, 'tls', 'dev.pem')));
  const key = createPrivateKey(readFileSync(join(dir, 'tls', 'dev.key')));
  assert.ok(certificate.checkPrivateKey(key), 'the key belongs to the certificate');
  assert.equal(key.asymmetricKeyDetails?.namedCurve, 'prime256v1');
  for (const name of ['DNS:mx.example.test', 'DNS:mail.example.test', 'DNS:smtp.example.test', 'DNS:localhost', 'IP Address:127.0.0.1']) {
    assert.ok(certificate.subjectAltName?.split(', ').includes(name), `${name} in ${certificate.subjectAltName}`);
  }
  assert.ok(certificate.checkHost('mx.example.test') && certificate.checkIP('127.0.0.1'));
  const days = (Date.parse(certificate.validTo) - Date.parse(certificate.validFrom)) / 86_400_000;
  assert.ok(days > 1 && days <= 31, `valid for ${days} days`);
  assert.equal(statSync(join(dir, 'tls', 'dev.key')).mode & 0o777, 0o600);
  assert.doesNotThrow(() => createSecureContext({ cert: readFileSync(join(dir, 'tls', 'dev.pem')), key: readFileSync(join(dir, 'tls', 'dev.key')) }));
});

test('an existing certificate or key is never replaced', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'own.pem'), 'the operator\'s certificate');
  assert.deepEqual(await ensureDevCertificates(configWith('own.pem', 'own.key'), dir), [], 'half a pair is left for the start-up error');
  assert.equal(readFileSync(join(dir, 'own.pem'), 'utf8'), 'the operator\'s certificate');
});
