import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveFolder } from '../../playground/static-server.js';

// `npm run playground`'s server: the built folder on loopback, nothing else, and no request
// that stops it.

/** Raw GET: the path as written (fetch would normalise '..' away). */
function get(url: string, path: string): Promise<{ status: number; type: string | undefined; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((done, fail) => {
    const sent = request({ host: hostname, port, path, method: 'GET' }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => done({ status: response.statusCode!, type: response.headers['content-type'], body }));
    });
    sent.on('error', fail);
    sent.end();
  });
}

test('serves the built files with their types, and nothing outside the folder', { timeout: 10_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'smtppolicy-static-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'site'));
  writeFileSync(join(dir, 'site', 'index.html'), '<!DOCTYPE html><title>page</title>');
  writeFileSync(join(dir, 'site', 'page.js'), 'export {};');
  writeFileSync(join(dir, 'secret.html'), 'outside');
  const server = await serveFolder(join(dir, 'site'), { host: '127.0.0.1' });
  t.after(() => server.close());
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);

  const index = await get(server.url, '/');
  assert.equal(index.status, 200);
  assert.equal(index.type, 'text/html; charset=utf-8');
  assert.equal(index.body, '<!DOCTYPE html><title>page</title>');
  assert.equal((await get(server.url, '/page.js')).type, 'text/javascript; charset=utf-8');
  for (const path of ['/../secret.html', '/%2e%2e/secret.html', '/..%2fsecret.html', '/missing.html']) {
    const answer = await get(server.url, path);
    assert.equal(answer.status, 404, path);
    assert.equal(answer.body, '', path);
  }
  assert.equal((await get(server.url, '/%E0%A4%A.html')).status, 400);
  assert.equal((await get(server.url, '/')).status, 200, 'still serving after a malformed request');
});
