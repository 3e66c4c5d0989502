// Starts the real server in-process on OS-chosen ports, with its spool in a temp dir,
// and cleans everything up when the test ends.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { Writable } from 'node:stream';
import type { RuntimeConfig } from '../../runtime/config/types.js';
import { startServer, type ServerHandle, type StartServerOptions } from '../../runtime/smtp/start-server.js';
import { createLogger } from '../../runtime/observe/logger.js';

export interface RunningServer {
  handle: ServerHandle;
  dir: string;
  /** The port of the first listener of `server` (by name), or of the first listener. */
  port(server?: string, tlsMode?: 'implicit' | 'starttls'): number;
  /** Log lines written so far (parsed JSON). */
  logs: Record<string, unknown>[];
}

export function tempDir(t: TestContext, prefix = 'smtppolicy-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export async function runServer(t: TestContext, config: RuntimeConfig, options: Partial<StartServerOptions> & { dir?: string } = {}): Promise<RunningServer> {
  const dir = options.dir ?? tempDir(t);
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, callback) {
      for (const line of String(chunk).split('\n')) if (line.trim()) logs.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  const handle = await startServer(config, {
    baseDir: dir,
    logger: createLogger('info', sink),
    portOverride: () => 0,
    delivery: false,
    pollIntervalMs: 100,
    ...options,
  });
  t.after(() => handle.close());
  return {
    handle,
    dir,
    logs,
    port(server?: string, tlsMode?: 'implicit' | 'starttls') {
      const found = handle.addresses().find((a) => (!server || a.server === server) && (!tlsMode || a.tlsMode === tlsMode));
      if (!found) throw new Error(`no listener for ${server ?? 'any server'}`);
      return found.port;
    },
  };
}
