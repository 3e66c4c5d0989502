// `smtppolicy serve` as the benchmarks run it: the shipped CLI bundle in a process group of
// its own, on a policy the benchmark writes (the throughput benchmark's, or a variant), ready
// once it greets. Shared by server-workers (workers 1 against 2), behind-haproxy (1 against
// 2 instances behind a balancer) and shared-state (Redis limits on against off).
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { compileToRuntimeConfig, hasErrors } from '../compiler/index.js';
import { freePort } from './postfix/smtp-source.js';
import { bundleShipped } from './shipped.js';
import { Session } from './smtp-session.js';

export interface Serve {
  port: number;
  /** The serve process (with workers: the primary). */
  pid: number;
  stop(): Promise<void>;
}

export interface ServeOptions {
  workers: number;
  /** The policy text, given the `listen` value (`127.0.0.1:PORT`) it must serve on. */
  policy(listen: string): string;
  /** Where the readiness probe connects from (a PROXY-protocol instance closes on its trusted balancer when no header comes). */
  probeFrom?: string;
}

/** Compiles the policy into `dir`, starts `serve`, and resolves once each worker has greeted. */
export async function startServe(dir: string, options: ServeOptions): Promise<Serve> {
  const port = await freePort();
  const policyPath = join(dir, 'bench.smtppolicy');
  await writeFile(policyPath, options.policy(`127.0.0.1:${port}`));
  const compiled = await compileToRuntimeConfig(policyPath);
  if (hasErrors(compiled.diagnostics)) throw new Error(`bench policy: ${compiled.diagnostics.map((d) => d.message).join('; ')}`);
  const configPath = join(dir, 'bench.json');
  await writeFile(configPath, JSON.stringify(compiled.config));
  const cli = await bundleShipped('cli/main.ts');
  // its own process group: the stop below reaches the workers too
  const child: ChildProcess = spawn(process.execPath, [cli, 'serve', configPath, '--workers', String(options.workers)], { stdio: ['ignore', 'ignore', 'inherit'], detached: true });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async () => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
    await exited;
  };
  // ready when every worker greets: a few sessions in a row reach each one (round-robin)
  for (const deadline = Date.now() + 120_000; ;) {
    if (child.exitCode !== null) throw new Error(`serve --workers ${options.workers} exited (${child.exitCode}) before it was ready`);
    try {
      for (let i = 0; i < options.workers * 2; i++) {
        const session = await Session.open(port, options.probeFrom ?? '127.0.0.1');
        await session.expect(220);
        session.close();
      }
      return { port, pid: child.pid!, stop };
    } catch (error) {
      if (Date.now() > deadline) {
        await stop();
        throw error;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
