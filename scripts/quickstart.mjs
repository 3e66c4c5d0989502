#!/usr/bin/env node
// `npm start`: serves examples/quickstart.smtppolicy on 127.0.0.1 (ports 2525, 2587, 2465).
// On first start it creates, under var/ (git-ignored), a self-signed development
// certificate (made in-process by `serve --dev-certificate`: no openssl needed) and the demo
// user demo@example.test / demo-password. Both are for loopback trials only. The
// certificate is short-lived: once it has expired, the next start replaces it.
//
// SMTPPOLICY_QUICKSTART_PORTS=<inbound>,<submission>,<implicit TLS> (say 3525,3587,3465)
// moves the three listeners when 2525, 2587 or 2465 is taken: the policy is then served
// from a copy, var/quickstart-ports.smtppolicy, with only those three ports changed. Its
// relative paths (../var/…) still resolve to the same var/, since var/../var is var.
//
// SMTPPOLICY_QUICKSTART_DIR=<dir> serves <dir>/examples/quickstart.smtppolicy with <dir>/var
// instead of the package's own (tests run the quickstart in a temp copy this way, leaving the
// developer's var/ alone). The policy's paths are relative to its own folder, so var/ is
// always its sibling `../var`.
import { spawn, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const home = process.env.SMTPPOLICY_QUICKSTART_DIR ? resolve(process.env.SMTPPOLICY_QUICKSTART_DIR) : root;
const cli = join(root, JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).bin.smtppolicy);
const policy = join(home, 'examples', 'quickstart.smtppolicy');
const passwordFile = join(home, 'var', 'quickstart.passwd');
const certificate = join(home, 'var', 'dev-certificate.pem');
const key = join(home, 'var', 'dev-key.pem');
const DEFAULT_PORTS = [2525, 2587, 2465];

function fail(message) {
  console.error(message);
  process.exit(2);
}

/** The ports from SMTPPOLICY_QUICKSTART_PORTS, or null when it is not set. */
function chosenPorts() {
  const text = process.env.SMTPPOLICY_QUICKSTART_PORTS;
  if (text === undefined || text === '') return null;
  const ports = text.split(',').map((part) => part.trim());
  const valid = ports.length === 3 && ports.every((port) => /^[0-9]{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65535);
  if (!valid || new Set(ports.map(Number)).size !== 3) {
    fail(`SMTPPOLICY_QUICKSTART_PORTS='${text}': expected three different ports (1-65535) for inbound, submission and implicit TLS, e.g. 3525,3587,3465`);
  }
  return ports.map(Number);
}

/** Writes the quickstart policy with its listen ports replaced; returns the copy's path. */
function policyWithPorts(ports) {
  const text = readFileSync(policy, 'utf8');
  const listen = /\b127\.0\.0\.1:(2525|2587|2465)\b/g;
  for (const from of DEFAULT_PORTS) {
    const found = [...text.matchAll(listen)].filter((match) => Number(match[1]) === from).length;
    // the copy must differ from the example in exactly these ports, or it is not the quickstart any more
    if (found !== 1) fail(`${policy}: expected one listen address 127.0.0.1:${from}, found ${found}: SMTPPOLICY_QUICKSTART_PORTS cannot move it`);
  }
  // one pass, so that a new port that equals another old one is not replaced twice
  const moved = text.replace(listen, (_, from) => `127.0.0.1:${ports[DEFAULT_PORTS.indexOf(Number(from))]}`);
  const copy = join(home, 'var', 'quickstart-ports.smtppolicy');
  // the note goes last, so that positions in logs and findings are those of the example
  writeFileSync(copy, `${moved.replace(/\n?$/, '\n')}# Written by npm start from ../examples/quickstart.smtppolicy for SMTPPOLICY_QUICKSTART_PORTS=${ports.join(',')}: edit the example, not this copy.\n`);
  return copy;
}

/** Removes the development certificate once it has expired, so that serve makes a new one. */
function dropExpiredCertificate() {
  if (!existsSync(certificate)) return;
  let expires;
  try {
    expires = new Date(new X509Certificate(readFileSync(certificate)).validTo);
  } catch {
    return; // not ours to judge: serve reports an unreadable certificate
  }
  if (expires.getTime() > Date.now()) return;
  rmSync(certificate);
  rmSync(key, { force: true });
  console.error(`${certificate}: the development certificate expired on ${expires.toISOString()}: making a new one`);
}

if (!existsSync(cli)) fail('smtppolicy is not built: run `npm ci` (or `npm run build`) first');
if (!existsSync(policy)) fail(`${policy}: not found (SMTPPOLICY_QUICKSTART_DIR must hold examples/quickstart.smtppolicy)`);
const ports = chosenPorts();
mkdirSync(join(home, 'var'), { recursive: true, mode: 0o700 });
dropExpiredCertificate();
const served = ports ? policyWithPorts(ports) : policy;
if (!existsSync(passwordFile)) {
  const created = spawnSync(process.execPath, [cli, 'passwd', passwordFile, 'demo@example.test'], { input: 'demo-password\n', stdio: ['pipe', 'inherit', 'inherit'] });
  if (created.status !== 0) process.exit(created.status ?? 1);
}
const server = spawn(process.execPath, [cli, 'serve', served, '--dev-certificate', ...process.argv.slice(2)], { stdio: 'inherit' });
// Pass stop and reload signals on, so that `kill` on npm drains the server instead of orphaning it.
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
