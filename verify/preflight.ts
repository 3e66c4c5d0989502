// Checks made before any probe runs. Sources given with --source must be addresses of this
// machine, and at least one listener must accept a TCP connection: otherwise every probe
// would fail on its own ("cannot connect …"), a page of FAILs that says nothing about the
// policy. Either is one clear error instead (the CLI exits 2).
import net from 'node:net';
import { hostPort, type ProbeEndpoint } from './endpoints.js';

/** A --source address this machine cannot send from. */
export class SourceNotLocalError extends Error {}
/** No listener of the policy answered at all: nothing could be verified. */
export class TargetUnreachableError extends Error {}

export async function checkSourcesBindable(sources: readonly string[]): Promise<void> {
  for (const source of sources) {
    await new Promise<void>((resolve, reject) => {
      const server = net.createServer();
      server.once('error', (error: NodeJS.ErrnoException) => {
        const why = error.code === 'EADDRNOTAVAIL' ? 'not an address of this machine (EADDRNOTAVAIL)' : `cannot send from it: ${error.message}`;
        reject(new SourceNotLocalError(`--source ${source}: ${why}`));
      });
      // binding (to any free port) is what connecting from this address needs
      server.listen(0, source, () => server.close(() => resolve()));
    });
  }
}

export async function checkReachable(endpoints: readonly ProbeEndpoint[], timeoutMs: number): Promise<void> {
  const addresses = [...new Set(endpoints.map((e) => hostPort(e.host, e.port)))];
  const failures: string[] = [];
  for (const address of addresses) {
    const endpoint = endpoints.find((e) => hostPort(e.host, e.port) === address)!;
    const failure = await tryConnect(endpoint.host, endpoint.port, timeoutMs);
    if (failure === null) return;
    failures.push(`${address} (${failure})`);
  }
  throw new TargetUnreachableError(`cannot reach the server: ${failures.join(', ')}. Is it running there? (--target and --port-map say where to connect)`);
}

/** null when something accepts a TCP connection at host:port, else why not. */
function tryConnect(host: string, port: number, timeoutMs: number): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (result: string | null) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => done(`no answer within ${timeoutMs} ms`), timeoutMs);
    socket.once('connect', () => done(null));
    socket.once('error', (error: NodeJS.ErrnoException) => done(error.code === 'ECONNREFUSED' ? 'connection refused' : (error.code ?? error.message)));
  });
}
