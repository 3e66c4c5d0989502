// `banner "TEXT"`: the greeting says `220 HOSTNAME ESMTP TEXT` on the wire, from a policy
// compiled end to end; without the setting the greeting is unchanged; text that could end
// the reply line is refused by the compiler and by the runtime config's schema.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { compileToRuntimeConfig } from '../../../compiler/index.js';
import { ConfigError, validateRuntimeConfig } from '../../../runtime/config/index.js';
import { makeRuntimeConfig, makeServerConfig } from '../fixtures/config-builder.js';
import { runServer, tempDir } from '../../helpers/server-fixture.js';
import { RawSmtpClient } from '../../helpers/smtp-client.js';

async function compile(t: TestContext, serverBody: string) {
  const dir = tempDir(t);
  const path = join(dir, 'banner.smtppolicy');
  writeFileSync(path, `server mx {\n  listen 127.0.43.1:25\n  hostname mx.example.test\n${serverBody}}\n`);
  return compileToRuntimeConfig(path);
}

async function greetingOf(t: TestContext, serverBody: string): Promise<string> {
  const { config, diagnostics } = await compile(t, serverBody);
  assert.deepEqual(diagnostics.map((d) => d.message), []);
  const server = await runServer(t, config);
  const client = await RawSmtpClient.connect({ port: server.port(), host: '127.0.43.1' });
  t.after(() => client.socket.destroy());
  const greeting = await client.read();
  // The session goes on as before after a banner.
  assert.equal((await client.command('EHLO client.example'))?.code, 250);
  return greeting?.text ?? '';
}

describe('banner', () => {
  test('the greeting carries the banner after the host name', async (t) => {
    assert.equal(await greetingOf(t, '  banner "Contoso mail: authorised use only"\n'), '220 mx.example.test ESMTP Contoso mail: authorised use only');
  });

  test('without a banner the greeting is the host name and ESMTP', async (t) => {
    assert.equal(await greetingOf(t, ''), '220 mx.example.test ESMTP');
  });

  test('the compiler refuses text that is not printable ASCII, too long, or written twice', async (t) => {
    const tab = await compile(t, '  banner "a\tb"\n');
    assert.deepEqual(
      tab.diagnostics.map((d) => `${d.range.start.line}:${d.range.start.column} ${d.message}`),
      ['4:10 expected printable ASCII text (a reply line goes on the wire as is), found U+0009'],
    );
    const long = await compile(t, `  banner "${'x'.repeat(201)}"\n`);
    assert.deepEqual(long.diagnostics.map((d) => d.message), ['expected at most 200 characters of text, found 201']);
    const twice = await compile(t, '  banner "one"\n  banner "two"\n');
    assert.deepEqual(twice.diagnostics.map((d) => d.message), ['banner is already set at line 4; write it once']);
  });

  test('a runtime config whose banner could end the reply line is refused', () => {
    const config = makeRuntimeConfig({ servers: [makeServerConfig({ banner: 'hello\r\n250 forged' })] });
    assert.throws(() => validateRuntimeConfig(config), (error: unknown) => error instanceof ConfigError && /banner/.test(error.message));
    assert.doesNotThrow(() => validateRuntimeConfig(makeRuntimeConfig({ servers: [makeServerConfig({ banner: 'hello' })] })));
  });
});
