// Which secret each AUTH mechanism is checked against, and the warning for a policy that
// offers a mechanism with a user store where no user has that secret: every such login
// would fail like a wrong password, which looks like an attack in the logs rather than a
// setup mistake. The warning names the store, the mechanism and the command that fixes it.
import type { Logger } from 'pino';
import type { AuthMechanism, AuthMechanismConfig, ServerConfig } from '../config/types.js';
import type { CredentialStore } from './credential-store.js';
import type { SecretScheme } from './password-file.js';

export const SECRET_FOR_MECHANISM: Readonly<Record<AuthMechanism, SecretScheme>> = {
  PLAIN: 'scrypt',
  LOGIN: 'scrypt',
  'CRAM-MD5': 'cram-md5',
  XOAUTH2: 'token',
};

const FIX: Readonly<Record<SecretScheme, string>> = {
  scrypt: 'smtppolicy passwd',
  'cram-md5': 'smtppolicy passwd --cram-md5',
  token: 'smtppolicy passwd --token',
};

/** The mechanisms each user store is offered for, across all servers. */
export function mechanismsByStore(servers: readonly ServerConfig[]): Map<string, AuthMechanismConfig[]> {
  const byStore = new Map<string, AuthMechanismConfig[]>();
  for (const server of servers) {
    for (const mechanism of server.auth.mechanisms) {
      if (mechanism.userStore === null) continue;
      const list = byStore.get(mechanism.userStore) ?? [];
      list.push(mechanism);
      byStore.set(mechanism.userStore, list);
    }
  }
  return byStore;
}

export interface MissingSecret {
  store: string;
  mechanism: AuthMechanism;
  source: string;
  message: string;
}

/** One entry per offered mechanism (first occurrence) whose secret no user of the store has. */
export function findMissingSecrets(store: CredentialStore, mechanisms: readonly AuthMechanismConfig[]): MissingSecret[] {
  const missing: MissingSecret[] = [];
  const reported = new Set<AuthMechanism>();
  for (const { mechanism, source } of mechanisms) {
    if (reported.has(mechanism)) continue;
    const scheme = SECRET_FOR_MECHANISM[mechanism];
    if (store.usersWithSecret(scheme) > 0) continue;
    reported.add(mechanism);
    missing.push({
      store: store.name,
      mechanism,
      source,
      message: `${source}: ${mechanism} is offered with user store '${store.name}', but no user in ${store.file} has a ${scheme} secret, `
        + `so every ${mechanism} login fails; add one with '${FIX[scheme]} ${store.file} <user>'`,
    });
  }
  return missing;
}

export function warnAboutMissingSecrets(logger: Logger, store: CredentialStore, mechanisms: readonly AuthMechanismConfig[]): void {
  for (const missing of findMissingSecrets(store, mechanisms)) {
    logger.warn({ event: 'user-store-missing-secret', store: missing.store, mechanism: missing.mechanism, source: missing.source }, missing.message);
  }
}
