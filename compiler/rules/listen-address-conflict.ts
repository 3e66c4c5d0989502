// Two listeners on the same address and port cannot both bind: the server fails to start
// (EADDRINUSE), or on some systems one silently steals the other's connections. A wildcard
// (0.0.0.0, ::) overlaps every address of its family on that port. `[::]` is IPv6 only in
// this language (`listen 0.0.0.0:25, [::]:25` is the documented way to serve both
// families), so it does not collide with IPv4 listeners.

import type { Endpoint } from '../../runtime/config/types.js';
import { nodeAt, where } from '../lint/locate.js';
import { defineRule } from '../lint/rule.js';

interface Listener {
  endpoint: Endpoint;
  source: string;
  owner: string;
}

const family = (address: string) => (address.includes(':') ? 6 : 4);
const isWildcard = (address: string) => address === '0.0.0.0' || address === '::';
const show = (e: Endpoint) => (family(e.address) === 6 ? `[${e.address}]:${e.port}` : `${e.address}:${e.port}`);

export function overlaps(a: Endpoint, b: Endpoint): boolean {
  if (a.port !== b.port || family(a.address) !== family(b.address)) return false;
  return a.address === b.address || isWildcard(a.address) || isWildcard(b.address);
}

/**
 * For each endpoint, the index of the first earlier one it overlaps (as `overlaps` says), or
 * undefined. Keyed by family and port rather than comparing every pair: a listen line of
 * 70,000 endpoints took minutes.
 */
export function earliestOverlaps(endpoints: readonly Endpoint[]): (number | undefined)[] {
  const firstExact = new Map<string, number>();
  const firstWildcard = new Map<string, number>();
  const firstAny = new Map<string, number>();
  return endpoints.map((endpoint, index) => {
    const slot = `${family(endpoint.address)}|${endpoint.port}`;
    const exact = `${slot}|${endpoint.address}`;
    // A wildcard overlaps anything on its slot; anything overlaps a wildcard or its equal.
    const candidates = isWildcard(endpoint.address) ? [firstAny.get(slot)] : [firstExact.get(exact), firstWildcard.get(slot)];
    const found = candidates.filter((i): i is number => i !== undefined);
    if (!firstExact.has(exact)) firstExact.set(exact, index);
    if (!firstAny.has(slot)) firstAny.set(slot, index);
    if (isWildcard(endpoint.address) && !firstWildcard.has(slot)) firstWildcard.set(slot, index);
    return found.length > 0 ? Math.min(...found) : undefined;
  });
}

export default defineRule({
  meta: {
    id: 'listen-address-conflict',
    category: 'listeners',
    defaultSeverity: 'error',
    description: 'two listeners bind the same address and port (a wildcard address overlaps every address of its family)',
    messages: {
      conflict: '{{endpoint}} of {{owner}} overlaps {{other}} of {{otherOwner}} at {{where}}: both cannot bind, so the server will not start',
    },
    fixable: false,
  },
  check(context) {
    const { model } = context;
    const listeners: Listener[] = model.config.servers.flatMap((server) =>
      server.listen.map((l) => ({ endpoint: l, source: l.source, owner: `server '${server.name}'` })),
    );
    const admin = model.config.admin;
    if (admin) listeners.push(...admin.listen.map((endpoint) => ({ endpoint, source: admin.source, owner: 'the admin listener' })));
    const firstOverlap = earliestOverlaps(listeners.map((l) => l.endpoint));
    listeners.forEach((listener, index) => {
      const earlierIndex = firstOverlap[index];
      if (earlierIndex === undefined) return;
      const earlier = listeners[earlierIndex]!;
      const at = nodeAt(model, listener.source);
      const first = nodeAt(model, earlier.source);
      if (!at) return;
      context.report({
        at,
        messageId: 'conflict',
        data: {
          endpoint: show(listener.endpoint),
          owner: listener.owner,
          other: show(earlier.endpoint),
          otherOwner: earlier.owner,
          where: where(model, earlier.source),
        },
        ...(first ? { related: [{ file: first.file.displayName, range: first.node.range, message: `${show(earlier.endpoint)} is bound here` }] } : {}),
      });
    });
  },
});
