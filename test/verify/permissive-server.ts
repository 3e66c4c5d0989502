// A deliberately wrong SMTP server for verify to catch: plain smtp-server that accepts
// AUTH in clear text (any password), relays for everyone and, given a certificate,
// negotiates any TLS version and cipher. Nothing it receives is kept.
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

export interface PermissiveOptions {
  /** Offer STARTTLS with this certificate, accepting TLS 1.0 and every cipher OpenSSL has. */
  tls?: { key: string; cert: string };
}

export async function startPermissiveServer(t: TestContext, options: PermissiveOptions = {}): Promise<number> {
  const base: SMTPServerOptions = {
    authOptional: true,
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    disableReverseLookup: true,
    logger: false,
    onAuth: (auth, _session, callback) => callback(null, { user: auth.username }),
    onRcptTo: (_address, _session, callback) => callback(),
    onData: (stream, _session, callback) => {
      stream.resume();
      stream.on('end', () => callback());
    },
  };
  const server = new SMTPServer(
    options.tls
      ? { ...base, key: options.tls.key, cert: options.tls.cert, minVersion: 'TLSv1', ciphers: 'ALL@SECLEVEL=0' }
      : { ...base, hideSTARTTLS: true, disabledCommands: ['STARTTLS'] },
  );
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.server.address() as AddressInfo).port;
}
