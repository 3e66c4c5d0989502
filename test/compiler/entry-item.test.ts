// The config's address and domain items spell their value and `source` when read
// (compiler/entry-item.ts). What a reader of the config sees must be what the plain items
// gave: the same fields, the same JSON with the keys in the same order, and a plain copy
// through plainCopy.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkPolicy } from '../../compiler/check.js';
import { plainCopy } from '../../runtime/config/index.js';

const POLICY = `list office {
  10.1.2.3
  2001:db8::/32
  192.0.2.0 mask 255.255.255.0
  domain mail.example.com
}
server edge {
  listen 127.0.0.1:2525
  hostname mx.example.com
  connections only { 198.51.100.0/24  @office }
  relay { 10.0.0.0/8 }
  local-domains example.com
}
`;

async function compiled() {
  const files: Record<string, string> = { '/p/policy.smtppolicy': POLICY };
  const result = await checkPolicy('/p/policy.smtppolicy', { lint: false, readText: async (path) => files[path] ?? Promise.reject(Object.assign(new Error(path), { code: 'ENOENT' })) });
  assert.deepEqual(result.diagnostics.filter((d) => d.severity === 'error'), []);
  return result.model.config;
}

test('address items read and serialise as plain items did: fields, key order, list names', async () => {
  const config = await compiled();
  const [server] = config.servers;
  const json = JSON.stringify({ connections: server!.connections.entries, relay: server!.relay.entries });
  // keys in the plain items' order (kind, cidr or domain, source, list), written as compile writes them
  assert.equal(json, JSON.stringify({
    connections: [
      { kind: 'cidr', cidr: '198.51.100.0/24', source: 'policy.smtppolicy:10:22' },
      { kind: 'cidr', cidr: '10.1.2.3/32', source: 'policy.smtppolicy:2:3', list: 'office' },
      { kind: 'cidr', cidr: '2001:db8::/32', source: 'policy.smtppolicy:3:3', list: 'office' },
      { kind: 'cidr', cidr: '192.0.2.0/24', source: 'policy.smtppolicy:4:3', list: 'office' },
      { kind: 'domain', domain: 'mail.example.com', source: 'policy.smtppolicy:5:3', list: 'office' },
    ],
    relay: [{ kind: 'cidr', cidr: '10.0.0.0/8', source: 'policy.smtppolicy:11:11' }],
  }));
  const item = server!.connections.entries[1]!;
  assert.equal(item.kind, 'cidr');
  assert.equal(item.kind === 'cidr' && item.cidr, '10.1.2.3/32');
  assert.equal(item.source, 'policy.smtppolicy:2:3');
  assert.equal(item.list, 'office');
  assert.equal('list' in server!.connections.entries[0]!, false, 'an entry written in the server has no list name');
  const domain = server!.connections.entries[4]!;
  assert.equal(domain.kind, 'domain');
  assert.equal(domain.kind === 'domain' && domain.domain, 'mail.example.com');
  assert.equal(domain.source, 'policy.smtppolicy:5:3');
  assert.equal(domain.list, 'office');
});

test('each phase of a check ends with afterPhase: parsing, resolving, then the rules when they run', async () => {
  const files: Record<string, string> = { '/p/policy.smtppolicy': POLICY, '/p/broken.smtppolicy': 'list a { 10.0.0.1 ' };
  const readText = async (path: string) => files[path] ?? Promise.reject(Object.assign(new Error(path), { code: 'ENOENT' }));
  let phases = 0;
  await checkPolicy('/p/policy.smtppolicy', { readText, afterPhase: () => phases++ });
  assert.equal(phases, 3);
  phases = 0;
  // a syntax error: the rules do not run, so that phase does not end
  await checkPolicy('/p/broken.smtppolicy', { readText, afterPhase: () => phases++ });
  assert.equal(phases, 2);
});

test('plainCopy gives the config as plain data, equal to what compile writes', async () => {
  const config = await compiled();
  const copy = plainCopy(config);
  assert.deepStrictEqual(copy, JSON.parse(JSON.stringify(config)));
  for (const item of copy.servers[0]!.connections.entries) assert.equal(Object.getPrototypeOf(item), Object.prototype);
  copy.servers[0]!.connections.entries.pop();
  assert.equal(config.servers[0]!.connections.entries.length, 5, 'the copy is deep: the original is untouched');
});
