// Which login mechanisms a client sees on an unencrypted connection, asked of
// runtime/policy (ehloAdvertisement) rather than re-derived. The rules about auth without
// TLS differ only in which mechanisms they care about and what they say.

import type { AuthMethod } from '../../../grammar/ast.js';
import type { Fix } from '../../../grammar/diagnostic.js';
import type { ServerModel } from '../../model.js';
import { ehloAdvertisement } from '../../../runtime/policy/index.js';
import { requireTlsFix } from '../../lint/edits.js';
import { authMethodRange, nodeAt, tlsBlockOf } from '../../lint/locate.js';
import type { Finding, RuleContext } from '../../lint/rule.js';
import type { SourceFile } from '../../source-set.js';

export interface AuthInClear {
  /** The wanted mechanisms advertised before TLS, in advertisement order. */
  offered: string[];
  /** The auth method that configures the first of them: where to report. */
  method: AuthMethod;
  file: SourceFile;
  /** Whether the server has a tls block at all (the fix then adds `require` to it). */
  hasTlsBlock: boolean;
  fix: Fix | undefined;
}

/**
 * Reports each server that offers one of the `wanted` mechanisms before TLS, at the auth
 * method that configures it, with the fix that requires TLS; the rule says what to write.
 */
export function reportAuthInClear<M extends string>(
  context: RuleContext<M>,
  wanted: ReadonlySet<string>,
  describe: (found: AuthInClear, server: ServerModel) => Pick<Finding<M>, 'messageId' | 'data'>,
): void {
  for (const server of context.model.servers) {
    const found = authInClear(context, server, wanted);
    if (!found) continue;
    context.report({
      at: { file: found.file, range: authMethodRange(found.method) },
      ...describe(found, server),
      ...(found.fix ? { fix: found.fix } : {}),
    });
  }
}

function authInClear(context: RuleContext, server: ServerModel, wanted: ReadonlySet<string>): AuthInClear | undefined {
  // Implicit-TLS listeners are encrypted from the first byte; only plain ones matter.
  if (server.config.listen.length > 0 && server.config.listen.every((l) => l.tlsMode === 'implicit')) return undefined;
  // What EHLO offers is among what the server configures: where none of the wanted mechanisms
  // is configured, the server need not be compiled to know it offers none.
  if (!server.config.auth.mechanisms.some((m) => wanted.has(m.mechanism))) return undefined;
  const offered = ehloAdvertisement(context.compiled(server), { clientAddress: '192.0.2.1', tls: null }).authMechanisms.filter((m) => wanted.has(m));
  if (offered.length === 0) return undefined;
  const source = server.config.auth.mechanisms.find((m) => wanted.has(m.mechanism))?.source ?? null;
  const at = nodeAt(context.model, source);
  if (!at || at.node.kind !== 'AuthMethod') return undefined;
  const block = tlsBlockOf(server);
  return { offered, method: at.node, file: at.file, hasTlsBlock: block !== undefined, fix: block ? requireTlsFix(block, server.file.text) : undefined };
}
