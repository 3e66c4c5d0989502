// A real OpenLDAP server (Debian's slapd) for the directory credential store's tests: its
// own config file and database in a temporary directory, listening on one loopback address
// and an OS-chosen port, TLS (StartTLS) with a certificate made for that address, and an
// ACL that lets nobody search anonymously (the store must use its service account).
// Entries are added over LDAP with ldapts as the directory's root, so no ldap-utils.
// Besides Debian's schemas, a small one of its own: Active Directory's `proxyAddresses`
// (its OID, case-insensitive like AD's) on an auxiliary class that also allows `mail`, so
// users carry AD-style addresses and groups (groupOfNames) an address of their own.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { Client } from 'ldapts';
import { makeCertificate, type TestCertificate } from './certificates.js';
import { tempDir } from './server-fixture.js';
import { freePort } from './free-port.js';
import { requireTool } from './tools.js';

export const SUFFIX = 'dc=example,dc=test';
const ROOT_DN = `cn=admin,${SUFFIX}`;
const ROOT_PASSWORD = 'root-secret';

export interface Slapd {
  /** `ldap://` (StartTLS offered) */
  url: string;
  /** `ldaps://` on a second port */
  ldapsUrl: string;
  host: string;
  port: number;
  /** The certificate slapd presents; its file is the CA file a store trusts. */
  certificate: TestCertificate;
  /** Adds `uid=<uid>,ou=people,…` with this password (a salted SHA-1 hash, as slappasswd makes). */
  addUser(uid: string, password: string, mail?: string): Promise<string>;
  /** Adds `uid=<uid>,ou=people,…` without a password, with these addresses; returns its DN. */
  addMailbox(uid: string, addresses: { mail?: string; proxyAddresses?: string[] }): Promise<string>;
  /** Adds `cn=<cn>,ou=groups,…` (groupOfNames) with these member DNs and, when given, an address. */
  addGroup(cn: string, members: string[], mail?: string): Promise<string>;
  /** Deletes an entry. */
  remove(dn: string): Promise<void>;
  /** Adds the service account `cn=<cn>,ou=services,…`; returns its DN. */
  addService(cn: string, password: string): Promise<string>;
  stop(): Promise<void>;
  start(): Promise<void>;
}

/** A started directory, stopped when the test ends; null when slapd is missing (skipped; a failure under CI=true). */
export async function startSlapd(t: TestContext, host: string): Promise<Slapd | null> {
  const slapd = requireTool(t, 'slapd', 'slapd');
  if (!slapd) return null;
  const directory = await launchSlapd(slapd, tempDir(t, 'smtppolicy-slapd-'), host);
  t.after(directory.stop);
  return directory;
}

/** slapd (at `slapd`) with its config and database in `dir`, started; the caller stops it (benchmarks). */
export async function launchSlapd(slapd: string, dir: string, host: string): Promise<Slapd> {
  mkdirSync(join(dir, 'db'));
  const certificate = makeCertificate({ dir, name: 'ldap', commonName: host, altNames: [], ipAddresses: [host] });
  writeFileSync(join(dir, 'slapd.conf'), [
    'include /etc/ldap/schema/core.schema',
    'include /etc/ldap/schema/cosine.schema',
    'include /etc/ldap/schema/inetorgperson.schema',
    `include ${writeMailSchema(dir)}`,
    `pidfile ${join(dir, 'slapd.pid')}`,
    'modulepath /usr/lib/ldap',
    'moduleload back_mdb',
    `TLSCertificateFile ${certificate.certPath}`,
    `TLSCertificateKeyFile ${certificate.keyPath}`,
    'access to attrs=userPassword by anonymous auth by * none',
    'access to * by users read by * none',
    'database mdb',
    `suffix "${SUFFIX}"`,
    `rootdn "${ROOT_DN}"`,
    `rootpw ${ROOT_PASSWORD}`,
    `directory ${join(dir, 'db')}`,
    '',
  ].join('\n'));
  const port = await freePort(host);
  const url = `ldap://${host}:${port}`;
  const ldapsUrl = `ldaps://${host}:${await freePort(host)}`;
  let child: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    // -d 0: stay in the foreground (the test owns the process) and log nothing
    child = spawn(slapd, ['-f', join(dir, 'slapd.conf'), '-h', `${url}/ ${ldapsUrl}/`, '-d', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await waitUntilAnswering(url, () => (child?.exitCode !== null ? `slapd exited: ${stderr}` : null));
  };
  const stop = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGTERM');
    });
  };
  await start();
  const asRoot = async (work: (client: Client) => Promise<void>): Promise<void> => {
    const client = new Client({ url, timeout: 5000 });
    try {
      await client.bind(ROOT_DN, ROOT_PASSWORD);
      await work(client);
    } finally {
      await client.unbind();
    }
  };
  await asRoot(async (client) => {
    await client.add(SUFFIX, { objectClass: ['dcObject', 'organization'], dc: 'example', o: 'Example' });
    await client.add(`ou=people,${SUFFIX}`, { objectClass: 'organizationalUnit', ou: 'people' });
    await client.add(`ou=services,${SUFFIX}`, { objectClass: 'organizationalUnit', ou: 'services' });
    await client.add(`ou=groups,${SUFFIX}`, { objectClass: 'organizationalUnit', ou: 'groups' });
  });
  return {
    url,
    ldapsUrl,
    host,
    port,
    certificate,
    async addUser(uid, password, mail) {
      const dn = `uid=${uid},ou=people,${SUFFIX}`;
      await asRoot((client) => client.add(dn, { objectClass: 'inetOrgPerson', uid, cn: uid, sn: uid, userPassword: ssha(password), ...(mail ? { mail } : {}) }));
      return dn;
    },
    async addMailbox(uid, { mail, proxyAddresses }) {
      const dn = `uid=${uid},ou=people,${SUFFIX}`;
      await asRoot((client) => client.add(dn, {
        objectClass: ['inetOrgPerson', 'smtppolicyMailRecipient'], uid, cn: uid, sn: uid,
        ...(mail ? { mail } : {}), ...(proxyAddresses ? { proxyAddresses } : {}),
      }));
      return dn;
    },
    async addGroup(cn, members, mail) {
      const dn = `cn=${cn},ou=groups,${SUFFIX}`;
      await asRoot((client) => client.add(dn, { objectClass: ['groupOfNames', 'smtppolicyMailRecipient'], cn, member: members, ...(mail ? { mail } : {}) }));
      return dn;
    },
    async remove(dn) {
      await asRoot((client) => client.del(dn));
    },
    async addService(cn, password) {
      const dn = `cn=${cn},ou=services,${SUFFIX}`;
      await asRoot((client) => client.add(dn, { objectClass: ['organizationalRole', 'simpleSecurityObject'], cn, userPassword: ssha(password) }));
      return dn;
    },
    stop,
    start,
  };
}

/**
 * proxyAddresses with Active Directory's OID and matching (case-insensitive strings), and an
 * auxiliary class under the documentation PEN (RFC 5612) that allows it and `mail`.
 */
function writeMailSchema(dir: string): string {
  const path = join(dir, 'smtppolicy-test.schema');
  writeFileSync(path, [
    "attributetype ( 1.2.840.113556.1.2.210 NAME 'proxyAddresses'",
    '  EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch',
    '  SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 )',
    "objectclass ( 1.3.6.1.4.1.32473.1.2.1 NAME 'smtppolicyMailRecipient'",
    '  AUXILIARY MAY ( mail $ proxyAddresses ) )',
    '',
  ].join('\n'));
  return path;
}

/** `{SSHA}` as slappasswd writes it: base64(SHA-1(password ‖ salt) ‖ salt). */
function ssha(password: string): string {
  const salt = randomBytes(8);
  const digest = createHash('sha1').update(password).update(salt).digest();
  return `{SSHA}${Buffer.concat([digest, salt]).toString('base64')}`;
}

/** Waits until slapd answers a search of the root DSE (it accepts connections before its database is open). */
async function waitUntilAnswering(url: string, failed: () => string | null): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const problem = failed();
    if (problem) throw new Error(problem);
    const client = new Client({ url, timeout: 500, connectTimeout: 500 });
    try {
      await client.search('', { scope: 'base', attributes: ['1.1'] });
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`slapd at ${url} did not answer within 10 s: ${(error as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      await client.unbind().catch(() => {});
    }
  }
}
