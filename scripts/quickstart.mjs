#!/usr/bin/env node
// `npm start`: serves examples/quickstart.smtppolicy on 127.0.0.1 (ports 2525, 2587, 2465).
// On first start it creates, under var/ (git-ignored), a self-signed development
// certificate and the demo user demo@example.test / demo-password. Both are for loopback
// trials only.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'cli', 'main.js');
const passwordFile = join(root, 'var', 'quickstart.passwd');

if (!existsSync(cli)) {
  console.error('smtppolicy is not built: run `npm ci` (or `npm run build`) first');
  process.exit(2);
}
mkdirSync(join(root, 'var'), { recursive: true });
if (!existsSync(passwordFile)) {
  const created = spawnSync(process.execPath, [cli, 'passwd', passwordFile, 'demo@example.test'], { input: 'demo-password\n', stdio: ['pipe', 'inherit', 'inherit'] });
  if (created.status !== 0) process.exit(created.status ?? 1);
}
const server = spawn(process.execPath, [cli, 'serve', join(root, 'examples', 'quickstart.smtppolicy'), '--dev-certificate', ...process.argv.slice(2)], { stdio: 'inherit' });
// Pass stop and reload signals on, so that `kill` on npm drains the server instead of orphaning it.
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
