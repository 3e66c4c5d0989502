// The start of most SMTP conversations in the tests: connect from a chosen loopback address,
// read the 220 greeting, say EHLO. The client is closed when the test ends.
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { RawSmtpClient } from './smtp-client.js';

export async function greetedClient(t: TestContext, port: number, localAddress: string): Promise<RawSmtpClient> {
  const client = await RawSmtpClient.connect({ port, localAddress });
  t.after(() => client.close());
  assert.equal((await client.read())?.code, 220);
  assert.equal((await client.command('EHLO client.example'))?.code, 250);
  return client;
}
