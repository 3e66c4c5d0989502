// `listen 0.0.0.0:N, [::]:N` is the usual way to serve both address families. Node binds
// `::` dual-stack by default, which would make the pair collide with itself: the server must
// bind `[::]` as IPv6 only, as written.

import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { connect } from 'node:net';
import { test } from 'node:test';
import { makeRuntimeConfig, makeServerConfig } from '../fixtures/config-builder.js';
import { runServer } from '../../helpers/server-fixture.js';

/** A port free on both families right now (the OS picks it; we release it at once). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen({ port: 0, host: '::' }, resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

function greeting(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    socket.once('data', (chunk) => {
      resolve(String(chunk));
      socket.destroy();
    });
    socket.once('error', reject);
  });
}

test('serves 0.0.0.0:N and [::]:N side by side', async (t) => {
  const port = await freePort();
  const server = makeServerConfig({
    name: 'mx',
    hostname: 'mx.example.test',
    listen: [
      { address: '0.0.0.0', port, tlsMode: 'starttls', source: 'p:2:10' },
      { address: '::', port, tlsMode: 'starttls', source: 'p:2:25' },
    ],
  });
  const running = await runServer(t, makeRuntimeConfig({ servers: [server] }), { portOverride: (endpoint) => endpoint.port });
  assert.equal(running.handle.addresses().length, 2);
  assert.match(await greeting('127.0.0.1', port), /^220 mx\.example\.test/);
  assert.match(await greeting('::1', port), /^220 mx\.example\.test/);
});
