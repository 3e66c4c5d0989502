// Headless chromium (Debian's `chromium`) driven through puppeteer-core, for the tests of
// what runs in a browser: the VS Code host (test/editors/vscode/host/) and the playground
// (test/playground/browser/). Like every external tool: skipped on a developer machine
// without it, a failure under CI=true (test/helpers/tools.ts).
import type { TestContext } from 'node:test';
import { join } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';
import { requireTool } from './tools.js';

// The flags the machine needs: no sandbox (root in a container), no GPU, and nothing that
// reaches for a network this machine does not have (QUIC, component updates, sync).
export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** A browser with its profile in `dir`, closed after the test; null when skipped. */
export async function launchChromium(t: TestContext, dir: string): Promise<Browser | null> {
  const chromium = requireTool(t, 'chromium', 'chromium');
  if (!chromium) return null;
  const browser = await puppeteer.launch({ executablePath: chromium, headless: true, args: [...CHROMIUM_FLAGS, `--user-data-dir=${join(dir, 'chromium')}`] });
  t.after(() => browser.close());
  return browser;
}
