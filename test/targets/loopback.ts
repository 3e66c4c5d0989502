// A policy moved onto loopback for a real MTA in a test: each listener on a free 127.0.0.1
// port, the test certificate for every server, the system resolver, the Maildir in the temp
// dir, no admin listener. The same moved config is what `smtppolicy verify` is run against,
// so verify's expectations and the MTA's configuration come from one policy.
import { join } from 'node:path';
import { plainCopy, type RuntimeConfig } from '../../runtime/config/index.js';
import type { TestCertificate } from '../helpers/certificates.js';
import { freePort } from '../helpers/serve-process.js';

export async function onLoopback(config: RuntimeConfig, certificate: TestCertificate, dir: string): Promise<RuntimeConfig> {
  const moved = plainCopy(config);
  moved.resolver.servers = [];
  moved.storage.maildir = join(dir, 'mail');
  moved.admin = null;
  for (const server of moved.servers) {
    const seen = new Map<number, number>();
    for (const listen of server.listen) {
      // [::]:25 and 0.0.0.0:25 are one listener on one port: keep them together
      const port = seen.get(listen.port) ?? (await freePort());
      seen.set(listen.port, port);
      listen.address = '127.0.0.1';
      listen.port = port;
    }
    server.listen = server.listen.filter((listen, i) => server.listen.findIndex((l) => l.port === listen.port) === i);
    if (server.tls) server.tls.certificates = [{ certificate: certificate.certPath, key: certificate.keyPath, serverNames: [], source: server.tls.certificates[0]?.source ?? server.tls.source }];
  }
  return moved;
}
