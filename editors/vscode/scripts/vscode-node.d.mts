// Types for vscode-node.mjs (a plain Node script, so that build.mjs runs without a TypeScript loader).
export interface VSCodeNodeRelease { vscode: string; electron: number; node: string }
export const vscodeNodeReleases: readonly VSCodeNodeRelease[];
export function nodeOfVSCode(version: string): VSCodeNodeRelease;
export function vscodeFloor(range: string | undefined): string;
export function bundleTarget(manifest: { engines?: { vscode?: string } }): string;
