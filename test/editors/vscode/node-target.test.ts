// The extension's bundle runs on VS Code's own Node (its Electron's). These tests hold the
// manifest's engines.vscode, the esbuild target derived from it and the @types/vscode the
// client is type-checked against to one another, so raising one without the others fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { bundleTarget, nodeOfVSCode, vscodeFloor, vscodeNodeReleases } from '../../../editors/vscode/scripts/vscode-node.mjs';

const manifest = JSON.parse(readFileSync('editors/vscode/package.json', 'utf8')) as { engines: { vscode: string } };
const rootPackage = JSON.parse(readFileSync('package.json', 'utf8')) as { devDependencies: Record<string, string> };

test('the bundle is built for the Node of the oldest VS Code the manifest admits', () => {
  const floor = vscodeFloor(manifest.engines.vscode);
  const runtime = nodeOfVSCode(floor);
  assert.equal(bundleTarget(manifest), `node${runtime.node.split('.')[0]}`);
  // The newest recorded VS Code runtime is Node 24: an older floor would lower the bundle
  // for a Node that current VS Code no longer has.
  assert.equal(runtime, vscodeNodeReleases[0], `engines.vscode ${manifest.engines.vscode} admits VS Code older than ${vscodeNodeReleases[0]!.vscode} (Node ${vscodeNodeReleases[0]!.node})`);
});

test('@types/vscode describes exactly the API of the oldest admitted VS Code', () => {
  // Newer types would let the client call API that the oldest admitted VS Code lacks
  // (vsce refuses to package then); older ones would hide API the manifest promises.
  const [major, minor] = vscodeFloor(manifest.engines.vscode).split('.');
  assert.equal(rootPackage.devDependencies['@types/vscode'], `~${major}.${minor}.0`);
});

test('a VS Code release maps to the Node its Electron carries', () => {
  assert.equal(nodeOfVSCode('1.100.3').node.split('.')[0], '20');
  assert.equal(nodeOfVSCode('1.101.0').node.split('.')[0], '22');
  assert.equal(nodeOfVSCode('1.124.9').node.split('.')[0], '22');
  assert.equal(nodeOfVSCode('1.125.0').node.split('.')[0], '24');
  assert.equal(nodeOfVSCode('1.140.1').node.split('.')[0], '24');
  assert.equal(bundleTarget({ engines: { vscode: '^1.101.0' } }), 'node22');
});

test('an engines.vscode the table cannot place fails the build instead of guessing a target', () => {
  assert.throws(() => bundleTarget({ engines: { vscode: '^1.89.0' } }), /VS Code 1\.89\.0 is older than 1\.90\.0/);
  assert.throws(() => bundleTarget({ engines: { vscode: '>=1.125.0' } }), /caret range/);
  assert.throws(() => bundleTarget({ engines: {} }), /caret range/);
});
