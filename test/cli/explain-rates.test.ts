// `explain` and the rate limits: the trace names each limit that applies to the client and
// user with the reply over it; `--over-rate LIMIT` shows the refusal itself, at the stage
// the server refuses at; a limit the server does not set is a usage error.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../helpers/server-fixture.js';
import { runCli } from './run-cli.js';

const POLICY = `server mx {
  listen 192.0.2.1:25
  hostname mx.example.test
  local-domains example.test
  recipients example.test { catch-all }
  limits {
    connection-rate-per-network 300/1m
    message-rate-per-address 100/1h
    recipient-rate-per-address 500/1h
  }
}
`;

test('explain lists the rate limits that apply and, with --over-rate, the refusal at its stage', async (t) => {
  const path = join(tempDir(t), 'rates.smtppolicy');
  writeFileSync(path, POLICY);
  const base = ['explain', path, '--client', '198.51.100.7', '--rcpt', 'bob@example.test'];

  const plain = await runCli(base);
  assert.equal(plain.code, 0, plain.stderr);
  assert.match(plain.stdout, /^decision: accept at rcpt/m);
  assert.match(plain.stdout, /connection-rate-per-network 300\/1m for 198\.51\.100\.0\/24: applies \(counted by the server\); over it: 421 4\.7\.0 mx\.example\.test Error: too many connections from 198\.51\.100\.0\/24 {2}\[.*rates\.smtppolicy:7:5\]/);
  assert.match(plain.stdout, /message-rate-per-address 100\/1h for 198\.51\.100\.7: applies .* 450 4\.7\.1 Error: too much mail from 198\.51\.100\.7/);

  const connection = await runCli([...base, '--over-rate', 'connection-rate-per-network', '--format', 'json']);
  const decided = JSON.parse(connection.stdout) as { decision: string; stage: string; reply: string };
  assert.deepEqual([decided.decision, decided.stage, decided.reply], ['tempfail', 'connect', '421 4.7.0 mx.example.test Error: too many connections from 198.51.100.0/24']);

  const recipients = await runCli([...base, '--over-rate', 'recipient-rate-per-address']);
  assert.match(recipients.stdout, /^decision: tempfail at rcpt\nreply: {4}450 4\.7\.1 Error: too many recipients from 198\.51\.100\.7$/m);

  const unknown = await runCli([...base, '--over-rate', 'message-rate-per-user']);
  assert.notEqual(unknown.code, 0);
  assert.match(unknown.stderr, /--over-rate message-rate-per-user: server mx sets only connection-rate-per-network, message-rate-per-address, recipient-rate-per-address/);
});
