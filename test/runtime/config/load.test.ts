import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, test } from 'node:test';
import { ConfigError, loadRuntimeConfig, validateRuntimeConfig } from '../../../runtime/config/index.js';
import { schemaSha256 } from '../../../runtime/config/validate.generated.js';
import { cidrItem, makeRuntimeConfig } from '../fixtures/config-builder.js';
import { sampleConfig } from './sample-config.js';

const dir = mkdtempSync(join(tmpdir(), 'smtppolicy-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function problems(value: unknown): string[] {
  try {
    validateRuntimeConfig(value);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.problems.map((p) => `${p.pointer}: ${p.message}`);
  }
  assert.fail('expected the config to be refused');
}

describe('validateRuntimeConfig', () => {
  test('a port out of range is named by its JSON pointer', () => {
    const config = sampleConfig() as any;
    config.servers[0].listen[0].port = 70000;
    assert.deepEqual(problems(config), ['/servers/0/listen/0/port: must be <= 65535']);
  });

  test('every problem is listed, not only the first, and the message carries them', () => {
    const config = sampleConfig() as any;
    config.servers[1].listen[0].port = 0;
    config.servers[1].tls.mode = 'sometimes';
    delete config.servers[2].hostname;
    config.resolver.timeoutMs = -1;
    config.servers[0].connections.entries[0].source = 'lists.smtppolicy:0:5';
    const found = problems(config);
    assert.deepEqual(found.sort(), [
      '/resolver/timeoutMs: must be >= 0',
      '/servers/0/connections/entries/0/source: must be a policy location file:line:column (1-based); found "lists.smtppolicy:0:5"',
      '/servers/1/listen/0/port: must be >= 1',
      '/servers/1/tls/mode: must be one of "required", "optional"; found "sometimes"',
      '/servers/2/hostname: is required',
    ]);
    try {
      validateRuntimeConfig(config);
    } catch (error) {
      for (const line of found) assert.ok((error as Error).message.includes(line), line);
    }
  });

  test('CIDR patterns: a bad prefix and a non-address are refused', () => {
    const config = sampleConfig() as any;
    config.servers[0].relay.entries[0].cidr = '10.0.0.0/33';
    config.servers[0].proxyProtocol[0].cidr = 'example.com/8';
    const found = problems(config);
    assert.equal(found.length, 2);
    assert.ok(found.every((p) => p.includes('must be a CIDR network')), found.join('\n'));
  });

  test('addresses and networks must be normalised, with the normal form suggested', () => {
    const config = makeRuntimeConfig({
      servers: [{
        listen: [{ address: '2001:db8:0:0::1', port: 25, tlsMode: 'starttls', source: 'a.smtppolicy:1:1' }],
        connections: { entries: [cidrItem('10.1.2.3/8'), cidrItem('2001:db8:0::/32')] },
      }],
    });
    assert.deepEqual(problems(config), [
      '/servers/0/listen/0/address: must be normalised: write "2001:db8::1"',
      '/servers/0/connections/entries/0/cidr: has host bits set: the network is "10.0.0.0/8"',
      '/servers/0/connections/entries/1/cidr: must be normalised: write "2001:db8::/32"',
    ]);
  });

  test('references and uniqueness: user stores, server names, endpoints, implicit TLS without tls', () => {
    const config = makeRuntimeConfig({
      servers: [
        { auth: { mechanisms: [{ mechanism: 'PLAIN', userStore: 'missing', source: 'a.smtppolicy:2:1' }] } },
        { listen: [{ address: '127.0.0.1', port: 2525, tlsMode: 'implicit', source: 'a.smtppolicy:3:1' }] },
      ],
    });
    assert.deepEqual(problems(config), [
      '/servers/0/auth/mechanisms/0/userStore: no user store is named "missing"',
      '/servers/1/name: duplicate server name "default"',
      '/servers/1/listen/0: 127.0.0.1 port 2525 is already used by /servers/0/listen/0',
      '/servers/1/listen/0/tlsMode: implicit TLS needs a certificate, but the server has no tls',
    ]);
  });

  test('an unknown version is refused as such', () => {
    const config = sampleConfig() as any;
    config.version = 2;
    assert.deepEqual(problems(config), ['/version: unsupported runtime config version 2: this server reads version 1']);
  });

  test('a nullable object with the wrong type says both are allowed', () => {
    const config = sampleConfig() as any;
    config.admin = 'yes';
    assert.deepEqual(problems(config), ['/admin: must be null or object; found "yes"']);
  });

  test('resolver servers: a port beyond 65535 is refused', () => {
    const config = sampleConfig() as any;
    config.resolver.servers = ['192.0.2.53:99999'];
    assert.deepEqual(problems(config), ['/resolver/servers/0: port must be 1-65535; found 99999']);
  });
});

describe('loadRuntimeConfig', () => {
  test('returns the config and the directory it was read from', async () => {
    const path = join(dir, 'good.json');
    writeFileSync(path, JSON.stringify(sampleConfig(), null, 2));
    const { config, baseDir } = await loadRuntimeConfig(path);
    assert.equal(baseDir, dir);
    assert.equal(config.servers.length, 3);
  });

  test('a JSON syntax error names the file, line and column', async () => {
    const path = join(dir, 'syntax.json');
    writeFileSync(path, '{\n  "version": 1,\n  "sources": []\n  "resolver": {}\n}\n');
    await assert.rejects(loadRuntimeConfig(path), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.file, path);
      // one problem with the whole document: one line
      assert.match(error.message, /^.*syntax\.json: invalid JSON: Expected ',' or '}' after property value at line 4, column 3$/);
      return true;
    });
  });

  test('schema problems name the file', async () => {
    const path = join(dir, 'bad.json');
    writeFileSync(path, JSON.stringify({ ...sampleConfig(), extra: 1 }));
    await assert.rejects(loadRuntimeConfig(path), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.message, `${path}: invalid runtime config:\n  /extra: is not a known property`);
      return true;
    });
  });

  test('a missing file is a ConfigError that says so', async () => {
    await assert.rejects(loadRuntimeConfig(join(dir, 'absent.json')), (error: unknown) => error instanceof ConfigError && /absent\.json: cannot load runtime config: cannot read the file: no such file$/.test(error.message));
  });
});

describe('the precompiled validator', () => {
  test('was generated from the current schema.json', () => {
    const text = readFileSync(new URL('../../../runtime/config/schema.json', import.meta.url), 'utf8');
    assert.equal(schemaSha256, createHash('sha256').update(text).digest('hex'), 'run `npm run build:validator`');
  });

  test('loading and validating a config loads no schema compiler (no ajv at all)', () => {
    const loadModule = fileURLToPath(new URL('../../../runtime/config/index.ts', import.meta.url));
    const path = join(dir, 'probe.json');
    writeFileSync(path, JSON.stringify(sampleConfig()));
    const script = `
      import { createRequire } from 'node:module';
      const Module = createRequire(import.meta.url)('node:module');
      const { loadRuntimeConfig } = await import(${JSON.stringify(loadModule)});
      await loadRuntimeConfig(${JSON.stringify(path)});
      const ajv = Object.keys(Module._cache).filter((p) => p.includes('/node_modules/ajv/'));
      process.stdout.write(JSON.stringify(ajv));`;
    const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), []);
  });
});
