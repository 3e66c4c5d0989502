// The playground's one file: the policy in the editor, checked under a made-up directory.
// The browser has no file system, so anything else the policy names (an include, a
// certificate, a password or mailbox list) is "no such file", and the compiler says so at
// the line that names it, as it would on a machine without that file.

import type { ReadText } from '../compiler/index.js';

/** Where the editor's text pretends to live; diagnostics name it by its file name. */
export const PLAYGROUND_DIR = '/playground';
export const POLICY_FILE = 'policy.smtppolicy';
export const POLICY_PATH = `${PLAYGROUND_DIR}/${POLICY_FILE}`;

/** The error a missing file gives on Node, so that describeIoError words it the same way. */
export function noSuchFile(path: string): Error {
  return Object.assign(new Error(`ENOENT: no such file, open '${path}' (the playground reads no files)`), { code: 'ENOENT' });
}

export function readEditorText(text: string): ReadText {
  return async (path) => {
    if (path === POLICY_PATH) return text;
    throw noSuchFile(path);
  };
}
