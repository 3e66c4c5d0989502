// The certificate/key pairs of every server, with the syntax that named them and the
// files as they are on this machine. Paths in the config are relative to model.baseDir.
// Reading is synchronous: a handful of small files, and rules stay simple functions.

import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { readRegularFileSync } from '../../regular-file.js';
import { resolve } from 'node:path';
import type { StringLiteral, TlsFile } from '../../../grammar/ast.js';
import type { CertificateConfig } from '../../../runtime/config/types.js';
import type { PolicyModel, ServerModel } from '../../model.js';
import { describeIoError, MAX_FILE_BYTES } from '../../source-set.js';

export type FileState = { kind: 'missing'; path: string } | { kind: 'unreadable'; path: string; reason: string } | { kind: 'read'; path: string; data: Buffer };

export interface CertificatePair {
  server: ServerModel;
  config: CertificateConfig;
  certificatePath: StringLiteral;
  keyPath: StringLiteral;
  /** The names clients will ask for: the server's hostname, or the SNI names. */
  hostnames: string[];
}

export function certificatePairs(model: PolicyModel): CertificatePair[] {
  const pairs: CertificatePair[] = [];
  for (const server of model.servers) {
    for (const config of server.config.tls?.certificates ?? []) {
      const located = model.nodeAt(config.source);
      if (!located) continue;
      const node = located.node;
      const files: TlsFile[] =
        node.kind === 'TlsSni' ? node.files : node.kind === 'Tls' ? node.settings.filter((s): s is TlsFile => s.kind === 'TlsFile') : [];
      const certificatePath = files.find((f) => f.name === 'certificate')?.path;
      const keyPath = files.find((f) => f.name === 'key')?.path;
      if (!certificatePath || !keyPath) continue;
      const hostnames = config.serverNames.length > 0 ? config.serverNames : server.config.hostname ? [server.config.hostname] : [];
      pairs.push({ server, config, certificatePath, keyPath, hostnames });
    }
  }
  return pairs;
}

// Several rules read the same files, and every server may name the same pair: each file is
// read once per check (per model), so all rules of one check also judge the same bytes.
const readPerModel = new WeakMap<PolicyModel, Map<string, FileState>>();

export function readPolicyFile(model: PolicyModel, configPath: string): FileState {
  const path = resolve(model.baseDir, configPath);
  let read = readPerModel.get(model);
  if (!read) {
    read = new Map();
    readPerModel.set(model, read);
  }
  let state = read.get(path);
  if (!state) {
    state = readFileState(path);
    read.set(path, state);
  }
  return state;
}

function readFileState(path: string): FileState {
  try {
    return { kind: 'read', path, data: readRegularFileSync(path, MAX_FILE_BYTES) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing', path };
    return { kind: 'unreadable', path, reason: describeIoError(error) };
  }
}

/**
 * The pair's certificate, when its file is there and parses: what the rules that judge its
 * content look at. A missing file is certificate-not-found's finding, an unreadable or
 * malformed one certificate-invalid's.
 */
export function presentCertificate(model: PolicyModel, pair: CertificatePair): X509Certificate | undefined {
  const state = readPolicyFile(model, pair.config.certificate);
  if (state.kind !== 'read') return undefined;
  const certificate = parseCertificate(state.data);
  return typeof certificate === 'string' ? undefined : certificate;
}

export function parseCertificate(data: Buffer): X509Certificate | string {
  try {
    return new X509Certificate(data);
  } catch (error) {
    return `not a PEM or DER certificate (${(error as Error).message})`;
  }
}

export function parsePrivateKey(data: Buffer): KeyObject | string {
  try {
    return createPrivateKey(data);
  } catch (error) {
    return `not an unencrypted private key in PEM or DER form (${(error as Error).message})`;
  }
}
