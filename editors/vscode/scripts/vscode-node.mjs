// Which Node.js a VS Code release runs extensions on: the Node inside its Electron. The
// bundled client and server are built for the Node of the oldest VS Code that
// package.json's engines.vscode admits, so every admitted VS Code can run them and the
// bundle is not lowered for a Node no admitted VS Code has.
//
// Each row is the first release known to run that Node (newest first). Sources: VS Code
// 1.90 moved to Electron 29 / Node 20.9 (vscode-generator-code#470); 1.101 to Electron 35 /
// Node 22.15.1 (vscode-generator-code#526); by 1.125 (June 2026) it runs Electron 42 /
// Node 24.15.0 (vscode-docs#9862, vscode#292445). If a move happened a few releases earlier
// than a row says, the target is merely conservative for those releases, never too new.
export const vscodeNodeReleases = [
  { vscode: '1.125.0', electron: 42, node: '24.15.0' },
  { vscode: '1.101.0', electron: 35, node: '22.15.1' },
  { vscode: '1.90.0', electron: 29, node: '20.9.0' },
];

function parseVersion(text) {
  const match = /^(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (!match) throw new Error(`'${text}' is not a version (major.minor.patch)`);
  return match.slice(1).map(Number);
}

function compareVersions(a, b) {
  const [x, y] = [parseVersion(a), parseVersion(b)];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
}

/** The row for the VS Code release `version` (e.g. '1.126.2'); throws for one older than the table. */
export function nodeOfVSCode(version) {
  const row = vscodeNodeReleases.find((r) => compareVersions(version, r.vscode) >= 0);
  if (!row) throw new Error(`VS Code ${version} is older than ${vscodeNodeReleases.at(-1).vscode}, the oldest release whose Node is recorded in editors/vscode/scripts/vscode-node.mjs`);
  return row;
}

/** The oldest VS Code an engines.vscode range admits: '^1.125.0' → '1.125.0'. */
export function vscodeFloor(range) {
  const match = /^\^(\d+\.\d+\.\d+)$/.exec(range ?? '');
  if (!match) throw new Error(`engines.vscode must be a caret range like '^1.125.0', not '${range}'`);
  return match[1];
}

/** esbuild's target for an extension manifest: the Node of its oldest admitted VS Code. */
export function bundleTarget(manifest) {
  return `node${nodeOfVSCode(vscodeFloor(manifest.engines?.vscode)).node.split('.')[0]}`;
}
