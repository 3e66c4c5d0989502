import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import puppeteer, { type Page } from 'puppeteer-core';
import { CHROMIUM_FLAGS } from '../../../helpers/chromium.js';
import { requireTool } from '../../../helpers/tools.js';
import { codeServerCommand, hostArgs, startCodeServer } from './code-server.js';

// The packed extension in a real VS Code host, as a user meets it: code-server (VS Code in a
// browser, from the npm registry, under Node 24) with the .vsix installed, driven by
// headless chromium. Open a policy with an open relay, see the squiggle, apply the quick fix
// from the light bulb, see the squiggle go. Only the Node 24 (full) scope of CI runs it
// (.ci/node-matrix.sh): the host is the same whatever Node the project is tested on.

const OPEN_RELAY = 'server open {\n  listen 0.0.0.0:2526\n  hostname mx.example.test\n  relay { anyone }\n}\n';
const FIX_TITLE = "Relay for authenticated clients only: replace 'anyone' with 'authenticated'";
// Each wait: generous, because a loaded CI machine takes seconds to load the workbench.
const WAIT_MS = 120_000;

// The user settings of the host: no welcome page, tips, experiments, telemetry or update checks in the way.
const SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'chat.disableAIFeatures': true,
  'files.autoSave': 'off',
};

function packVsix(out: string): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn('npm', ['run', '--silent', 'package:vscode', '--', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.once('exit', (code) => (code === 0 ? done() : fail(new Error(`npm run package:vscode exited with ${code}:\n${output}`))));
  });
}

const squiggles = (page: Page) => page.$$('.monaco-editor .squiggly-error');

test('in a real VS Code host, the packed extension shows the open-relay squiggle and its quick fix removes it', { timeout: 15 * 60_000 }, async (t) => {
  const chromium = requireTool(t, 'chromium', 'chromium');
  if (!chromium) return;
  const dir = mkdtempSync(join(tmpdir(), 'smtppolicy-vscode-host-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const phases: string[] = [];
  let mark = performance.now();
  const phase = (name: string): void => {
    const now = performance.now();
    phases.push(`${name} ${((now - mark) / 1000).toFixed(1)} s`);
    mark = now;
  };
  t.after(() => t.diagnostic(`phases: ${phases.join(', ')}`));

  const vsix = join(dir, 'smtppolicy.vsix');
  writeFileSync(join(dir, 'config.yaml'), '');
  // Installs code-server on the first run on this machine (scripts/code-server.sh) while the extension is packed.
  const [version] = await Promise.all([codeServerCommand(['--config', join(dir, 'config.yaml'), '--version'], 10 * 60_000), packVsix(vsix)]);
  assert.match(version, /with Code 1\.\d+/, version);
  phase('code-server ready + package:vscode');

  mkdirSync(join(dir, 'user-data', 'User'), { recursive: true });
  writeFileSync(join(dir, 'user-data', 'User', 'settings.json'), JSON.stringify(SETTINGS));
  const installed = await codeServerCommand([...hostArgs(dir), '--install-extension', vsix], WAIT_MS);
  assert.match(installed, /was successfully installed/, installed);
  assert.ok(readdirSync(join(dir, 'extensions')).some((name) => name.startsWith('smtppolicy.smtppolicy-')), installed);
  phase('install-extension');

  const workspace = join(dir, 'workspace');
  mkdirSync(workspace);
  writeFileSync(join(workspace, 'open.smtppolicy'), OPEN_RELAY);
  const host = await startCodeServer(dir, workspace, WAIT_MS);
  t.after(() => host.stop());
  const browser = await puppeteer.launch({ executablePath: chromium, headless: true, args: [...CHROMIUM_FLAGS, `--user-data-dir=${join(dir, 'chromium')}`] });
  t.after(() => browser.close());
  phase('code-server and chromium started');

  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 800 });
    await page.goto(host.url, { waitUntil: 'domcontentloaded', timeout: WAIT_MS });
    // Opened as a user does: a click on the file in the explorer.
    const file = await page.waitForSelector('.explorer-folders-view .monaco-list-row[aria-label^="open.smtppolicy"]', { visible: true, timeout: WAIT_MS });
    phase('workbench loaded');
    await file!.click();
    await page.waitForSelector('.monaco-editor .squiggly-error', { visible: true, timeout: WAIT_MS });
    phase('squiggle shown');
    const [squiggle] = await squiggles(page);
    assert.equal((await squiggles(page)).length, 1);

    // A click on the squiggle puts the cursor on the finding; the editor then shows its light
    // bulb, whose menu has the rule's own fix.
    await squiggle!.click();
    const bulb = await page.waitForSelector('.lightBulbWidget', { visible: true, timeout: WAIT_MS });
    await bulb!.click();
    await page.waitForSelector('.action-widget .monaco-list-row.action', { visible: true, timeout: WAIT_MS });
    const actions = await page.$$('.action-widget .monaco-list-row.action');
    const titles: string[] = await Promise.all(actions.map((row) => row.evaluate((e) => (e as unknown as { getAttribute(name: string): string | null }).getAttribute('aria-label') ?? '')));
    const fix = actions[titles.findIndex((title) => title.startsWith(FIX_TITLE))];
    assert.ok(fix, `no "${FIX_TITLE}" among the quick fixes: ${titles.join(' | ')}`);
    await fix.click();

    await page.waitForFunction("!document.querySelector('.monaco-editor .squiggly-error')", { timeout: WAIT_MS });
    phase('fix applied, squiggle gone');
    const text = await page.$eval('.monaco-editor .view-lines', (e) => (e as unknown as { innerText: string }).innerText);
    assert.match(text.replace(/\u00a0/g, ' '), /relay \{ authenticated \}/);
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : String(error)}\ncode-server output:\n${host.output().slice(-4000)}`, { cause: error });
  }
});
