// Round trip: a policy → `compile --target postfix` → `import postfix` → compiled again gives
// the same runtime config, except where the translation's report said the mapping is
// approximate or unsupported (those fields are left out of the comparison, nothing else).
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { importPostfix } from '../../import/index.js';
import { isDirectoryStore, plainCopy, type RuntimeConfig } from '../../runtime/config/index.js';
import { NO_MAILBOXES, translateToPostfix, type MappingFinding } from '../../targets/index.js';
import { configOf } from '../targets/policy-config.js';

const EXAMPLES = ['quickstart', 'submission-server', 'internal-challenge-response', 'partner-relay', 'domain-connection-control'];

type Json = Record<string, unknown>;

/** Without positions and list names, entries as sets, paths resolved against the Postfix directory. */
function comparable(config: RuntimeConfig, directory: string): Json {
  const path = (p: string) => (isAbsolute(p) ? p : resolve(directory, p));
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(Object.entries(value as Json).filter(([k]) => k !== 'source' && k !== 'list').map(([k, v]) => [k, strip(v)]));
  };
  const copy = strip(plainCopy(config)) as Json & RuntimeConfig;
  delete (copy as Partial<RuntimeConfig>).sources;
  for (const store of copy.userStores) if (!isDirectoryStore(store)) store.file = path(store.file);
  for (const server of copy.servers) {
    for (const c of server.tls?.certificates ?? []) {
      c.certificate = path(c.certificate);
      c.key = path(c.key);
    }
    const text = (i: { kind: string; cidr?: string; domain?: string }) => `${i.kind}:${i.cidr ?? i.domain}`;
    server.connections.entries.sort((a, b) => text(a).localeCompare(text(b)));
    server.relay.entries.sort((a, b) => text(a).localeCompare(text(b)));
  }
  return copy;
}

/** Leaves out of both configs the field a finding says is not carried exactly. */
function leaveOut(config: Json & RuntimeConfig, finding: MappingFinding): void {
  const [definition, rest] = finding.setting.split('.') as [string, string];
  const [property, refinement] = rest.split(' (') as [string, string | undefined];
  const servers = config.servers.filter((s) => finding.server === null || s.name === finding.server);
  const drop = (target: object | null | undefined) => {
    if (target) delete (target as Json)[property];
  };
  switch (definition) {
    case 'ResolverConfig': return drop(config.resolver);
    case 'StorageConfig': return drop(config.storage);
    case 'PasswordFileStoreConfig':
    case 'DirectoryStoreConfig':
      return config.userStores.forEach(drop);
    case 'AdminConfig': return drop(config);
    case 'ServerConfig': return servers.forEach(drop);
    // import does not read Postfix's recipient tables back into recipients blocks
    case 'RecipientsConfig':
    case 'MailboxFileSource':
    case 'MailboxUsersSource':
      return servers.forEach((s) => delete (s as Partial<typeof s>).recipients);
    case 'TlsConfig': return servers.forEach((s) => drop(s.tls));
    case 'CertificateConfig': return servers.forEach((s) => s.tls?.certificates.forEach(drop));
    case 'ConnectionControl':
    case 'RelayConfig':
      return servers.forEach((s) => {
        const block = definition === 'RelayConfig' ? s.relay : s.connections;
        if (property === 'entries' && refinement) block.entries = block.entries.filter((e) => e.kind !== (refinement.startsWith('domain') ? 'domain' : 'cidr'));
        else drop(block);
      });
    case 'AuthConfig': return servers.forEach((s) => drop(s.auth));
    case 'AuthMechanismConfig': return servers.forEach((s) => s.auth.mechanisms.forEach(drop));
    case 'SmarthostTarget': return servers.forEach((s) => drop(s.relayTo));
    case 'LimitsConfig': return servers.forEach((s) => drop(s.limits));
    case 'Endpoint':
    case 'ListenConfig':
      return servers.forEach((s) => s.listen.forEach(drop));
    default: throw new Error(`no way to leave out ${finding.setting}`);
  }
}

describe('round trip: policy → Postfix → policy', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'smtppolicy-round-trip-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  for (const example of EXAMPLES) {
    it(`examples/${example}.smtppolicy comes back the same, but for what the report called approximate`, async () => {
      const postfixDir = join(dir, example);
      const original = await configOf(`examples/${example}.smtppolicy`, postfixDir);
      const output = translateToPostfix(original, { directory: postfixDir, mailboxes: NO_MAILBOXES });
      for (const [name, text] of output.files) {
        await mkdir(dirname(join(postfixDir, name)), { recursive: true });
        await writeFile(join(postfixDir, name), text);
      }
      const imported = await importPostfix({ directory: postfixDir, displayDirectory: postfixDir });
      const policyPath = join(postfixDir, 'imported.smtppolicy');
      await writeFile(policyPath, imported.text);
      const back = await configOf(policyPath, postfixDir, 'allowed').catch((error: Error) => assert.fail(`${error.message}\n${imported.text}`));

      const left = comparable(original, postfixDir) as Json & RuntimeConfig;
      const right = comparable(back, postfixDir) as Json & RuntimeConfig;
      const notExact = output.findings.filter((f) => f.fidelity !== 'exact');
      for (const finding of notExact) {
        leaveOut(left, finding);
        leaveOut(right, finding);
      }
      assert.deepEqual(right, left, `imported policy:\n${imported.text}`);
      // and the comparison is not empty: the servers' exact settings were compared
      assert.ok(left.servers.every((s) => typeof s.hostname === 'string' && s.listen.length > 0));
    });
  }
});
