// How the language server reads the certificate files a policy names, for the validity
// hints (features/certificate-hints.ts): regular files only, and small ones, so that a path
// that names a FIFO or a device cannot hang or flood the server.

import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import type { CertificateReader } from './features/certificate-hints.js';

/** Far above any certificate chain; a larger file is not a certificate the server would load. */
const MAX_CERTIFICATE_BYTES = 1024 * 1024;

export async function readCertificateFile(path: string): Promise<Buffer | undefined> {
  let handle;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer.
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const stat = await handle.stat();
    if (!stat.isFile() || stat.size > MAX_CERTIFICATE_BYTES) return undefined;
    return await handle.readFile();
  } catch {
    return undefined;
  } finally {
    await handle?.close();
  }
}

export const diskCertificateReader: CertificateReader = { read: readCertificateFile, now: () => new Date() };
