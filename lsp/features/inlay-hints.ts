// Inlay hints that carry facts the text does not show: after a relay block, how many
// addresses may relay through the server without logging in and how many of them are
// public; after a connection allow-list, how many it admits. Computed by compiler/analysis
// from the resolved policy (lists expanded, connection control applied), as lint reasons.

import type { InlayHint } from 'vscode-languageserver';
import type { AddressSet } from '../../net/address-set.js';
import { connectableSet, PUBLIC_ADDRESSES, settingsOf, unauthenticatedRelay } from '../../compiler/index.js';
import type { PolicyContext } from '../document-store.js';
import { toLspPosition } from '../convert.js';

export function inlayHints(context: PolicyContext): InlayHint[] {
  const hints: InlayHint[] = [];
  for (const server of context.check.model.servers) {
    if (server.file.path !== context.current.path) continue;
    const relay = settingsOf(server.decl, 'Relay')[0];
    if (relay) {
      const label = server.config.auth.anonymous
        ? `relay without login: ${counted(unauthenticatedRelay(server.config).open)}`
        : 'relay without login: nobody (MAIL needs a login)';
      hints.push({ position: toLspPosition(relay.range.end), label, paddingLeft: true });
    }
    const connections = settingsOf(server.decl, 'Connections')[0];
    if (connections && server.config.connections.mode === 'allow-list') {
      hints.push({ position: toLspPosition(connections.range.end), label: `admits ${counted(connectableSet(server.config.connections))}`, paddingLeft: true });
    }
  }
  return hints;
}

/** "16,777,216 addresses, 0 public" (IPv4 and IPv6 together; huge IPv6 counts as powers of two). */
function counted(set: AddressSet): string {
  const all = set.size(4) + set.size(6);
  const publicPart = set.intersect(PUBLIC_ADDRESSES);
  return `${count(all)} ${all === 1n ? 'address' : 'addresses'}, ${count(publicPart.size(4) + publicPart.size(6))} public`;
}

function count(n: bigint): string {
  if (n < 10n ** 15n) return n.toLocaleString('en-US');
  const power = n.toString(2).length - 1;
  return n === 1n << BigInt(power) ? `2^${power}` : `over 2^${power}`;
}
