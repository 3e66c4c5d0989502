#!/usr/bin/env node
// `npm start`: serves examples/quickstart.smtppolicy on 127.0.0.1 (ports 2525, 2587, 2465).
// On first start it creates, under var/ (git-ignored), a self-signed development
// certificate and the demo user demo@example.test / demo-password. Both are for loopback
// trials only.
//
// SMTPPOLICY_QUICKSTART_DIR=<dir> serves <dir>/examples/quickstart.smtppolicy with <dir>/var
// instead of the package's own (tests run the quickstart in a temp copy this way, leaving the
// developer's var/ alone). The policy's paths are relative to its own folder, so var/ is
// always its sibling `../var`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const home = process.env.SMTPPOLICY_QUICKSTART_DIR ? resolve(process.env.SMTPPOLICY_QUICKSTART_DIR) : root;
const cli = join(root, JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).bin.smtppolicy);
const policy = join(home, 'examples', 'quickstart.smtppolicy');
const passwordFile = join(home, 'var', 'quickstart.passwd');

if (!existsSync(cli)) {
  console.error('smtppolicy is not built: run `npm ci` (or `npm run build`) first');
  process.exit(2);
}
if (!existsSync(policy)) {
  console.error(`${policy}: not found (SMTPPOLICY_QUICKSTART_DIR must hold examples/quickstart.smtppolicy)`);
  process.exit(2);
}
mkdirSync(join(home, 'var'), { recursive: true, mode: 0o700 });
if (!existsSync(passwordFile)) {
  const created = spawnSync(process.execPath, [cli, 'passwd', passwordFile, 'demo@example.test'], { input: 'demo-password\n', stdio: ['pipe', 'inherit', 'inherit'] });
  if (created.status !== 0) process.exit(created.status ?? 1);
}
const server = spawn(process.execPath, [cli, 'serve', policy, '--dev-certificate', ...process.argv.slice(2)], { stdio: 'inherit' });
// Pass stop and reload signals on, so that `kill` on npm drains the server instead of orphaning it.
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
