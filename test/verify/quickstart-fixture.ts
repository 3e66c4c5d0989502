// The quickstart served in-process, as `npm start` serves it, but from a temp copy: its
// var/ (certificate, demo user, spool) lives in the temp dir, and every listener binds an
// OS-chosen port. `portMap` gives verify the configured → actual ports.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { compileToRuntimeConfig, hasErrors } from '../../compiler/index.js';
import { hashPassword } from '../../runtime/auth/password-hash.js';
import { upsertPasswordLine } from '../../runtime/auth/password-file.js';
import type { RuntimeConfig } from '../../runtime/config/types.js';
import { makeCertificate } from '../helpers/certificates.js';
import { runServer, tempDir, type RunningServer } from '../helpers/server-fixture.js';

export const DEMO_USER = 'demo@example.test';
export const DEMO_PASSWORD = 'demo-password';
const QUICKSTART = new URL('../../examples/quickstart.smtppolicy', import.meta.url);

export interface QuickstartCopy {
  dir: string;
  policy: string;
  config: RuntimeConfig;
  baseDir: string;
}

/** examples/quickstart.smtppolicy copied to a temp dir, with its var/ prepared as npm start would. */
export async function quickstartCopy(t: TestContext): Promise<QuickstartCopy> {
  const dir = tempDir(t, 'smtppolicy-verify-');
  mkdirSync(join(dir, 'examples'));
  mkdirSync(join(dir, 'var'));
  const policy = join(dir, 'examples', 'quickstart.smtppolicy');
  copyFileSync(QUICKSTART, policy);
  copyFileSync(new URL('../../examples/quickstart.mailboxes', import.meta.url), join(dir, 'examples', 'quickstart.mailboxes'));
  // One certificate for both servers, as the policy shares it: it must name both hostnames.
  makeCertificate({ dir: join(dir, 'var'), commonName: 'mx.example.test', altNames: ['mx.example.test', 'mail.example.test'], name: 'dev' });
  copyFileSync(join(dir, 'var', 'dev.crt'), join(dir, 'var', 'dev-certificate.pem'));
  copyFileSync(join(dir, 'var', 'dev.key'), join(dir, 'var', 'dev-key.pem'));
  writeFileSync(join(dir, 'var', 'quickstart.passwd'), upsertPasswordLine('', DEMO_USER, await hashPassword(DEMO_PASSWORD)), { mode: 0o600 });
  const compiled = await compileToRuntimeConfig(policy);
  if (hasErrors(compiled.diagnostics)) throw new Error(`quickstart has errors: ${compiled.diagnostics.map((d) => d.message).join('; ')}`);
  return { dir, policy, config: compiled.config, baseDir: compiled.baseDir };
}

/** `--port-map` arguments from the configured ports to the ones the running server bound. */
export function portMapArgs(config: RuntimeConfig, running: RunningServer): string[] {
  const args: string[] = [];
  const actual = running.handle.addresses();
  for (const server of config.servers) {
    for (const listen of server.listen) {
      const bound = actual.find((a) => a.server === server.name && a.tlsMode === listen.tlsMode);
      if (!bound) throw new Error(`no listener for ${server.name} ${listen.tlsMode}`);
      args.push('--port-map', `${listen.port}:${bound.port}`);
    }
  }
  return args;
}

export async function serveQuickstart(t: TestContext): Promise<{ copy: QuickstartCopy; running: RunningServer }> {
  const copy = await quickstartCopy(t);
  const running = await runServer(t, copy.config, { baseDir: copy.baseDir, dir: copy.dir });
  return { copy, running };
}
