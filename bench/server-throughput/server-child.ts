// One server under test, as its own process so that the benchmark's clients do not share
// its CPU time and its memory can be read from /proc. `policy` is smtppolicy's full stack
// (startServer: policy decisions, logging at info, the durable spool; delivery off, since
// the figure is messages accepted); `bare` is a plain smtp-server whose onData writes the
// same spool through the same Spool class, the framework's own limit.
// Usage: server-child.ts policy <config.json> | bare <spool dir>. Prints {"port":N} when ready.
import { createWriteStream } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { loadRuntimeConfig } from '../../runtime/config/load.js';
import { createLogger } from '../../runtime/observe/logger.js';
import { startServer } from '../../runtime/smtp/start-server.js';
import { Spool } from '../../runtime/delivery/spool.js';

const [mode, path] = process.argv.slice(2);

async function startPolicy(configPath: string): Promise<number> {
  const { config, baseDir } = await loadRuntimeConfig(configPath);
  // a production server logs every decision at info: pay that cost, but not the terminal's
  const logger = createLogger((process.env.BENCH_LOG_LEVEL ?? 'info') as 'info', createWriteStream('/dev/null'));
  const handle = await startServer(config, { baseDir, logger, delivery: false, portOverride: () => 0 });
  return handle.addresses()[0]!.port;
}

async function startBare(spoolDir: string): Promise<number> {
  const spool = new Spool(spoolDir);
  await spool.init();
  const server = new SMTPServer({
    logger: false,
    disableReverseLookup: true,
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    size: 10 * 1024 * 1024,
    maxClients: 5000,
    onData(stream, session, callback) {
      spool.accept({
        server: 'bare',
        receivedAt: new Date().toISOString(),
        client: { address: session.remoteAddress, ptr: null, user: null, tls: null, helo: session.hostNameAppearsAs || null },
        mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
        recipients: session.envelope.rcptTo.map((r) => ({ address: r.address, route: 'relay' as const })),
      }, stream).then(({ id }) => callback(null, `Ok: queued as ${id}`), (error: Error) => callback(Object.assign(error, { responseCode: 452 })));
    },
  });
  // clients that reset their connection are routine here (the RSS run drops 1,000 at once);
  // unheard, smtp-server's 'error' event would end the process
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return (server.server.address() as AddressInfo).port;
}

const port = mode === 'policy' ? await startPolicy(path!) : await startBare(path!);
process.stdout.write(`${JSON.stringify({ port })}\n`);
