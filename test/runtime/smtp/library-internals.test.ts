// smtp-server is pinned to ~3.21 because the session adapter (runtime/smtp/policy-connection.ts)
// and the listener (runtime/smtp/policy-server.ts, start-server.ts) use members of the library
// that are not its documented API: underscore fields and methods, the SASL table, and command
// handlers they override. A patch release may still change one. Each row below names one such
// member, the shape the code expects, and the code that depends on it, and is checked on a real
// SMTPServer and on the connection it built for a real loopback socket: an update that breaks
// a row fails here, with the row's message, before any behaviour test fails in a stranger way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { createRequire } from 'node:module';
import { SMTPServer } from 'smtp-server';
import { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';
import sasl from 'smtp-server/lib/sasl.js';

type Shape = 'function' | 'boolean' | 'string' | 'object' | 'set';

interface Member {
  name: string;
  shape: Shape;
  /** For a function: how many parameters the code passes (Function.length). */
  arity?: number;
  /** The code that depends on the member, and for what. */
  usedBy: string;
}

const CONNECTION_MEMBERS: Member[] = [
  { name: '_socket', shape: 'object', usedBy: 'PolicyConnection.tlsFacts() reads the TLS cipher from it; start-server.ts destroys it when draining' },
  { name: '_server', shape: 'object', usedBy: 'PolicyConnection._createParser() reads the listener runtime from it (it runs inside the base constructor)' },
  { name: '_parser', shape: 'object', usedBy: 'PolicyConnection.admit() reads its _remainder (early talkers); input-screen.ts wraps its write()' },
  { name: '_ready', shape: 'boolean', usedBy: 'PolicyConnection.admit() sets it once the policy admits the client; _onCommand() refuses early talkers while it is false' },
  { name: '_upgrading', shape: 'boolean', usedBy: 'PolicyConnection._onCommand() and reportError() tell a STARTTLS handshake in flight' },
  { name: '_closing', shape: 'boolean', usedBy: 'PolicyConnection.admit() and armIdle() stop for a closing session' },
  { name: '_closed', shape: 'boolean', usedBy: 'PolicyConnection.admit() and armIdle() stop for a closed session' },
  { name: '_handlerPending', shape: 'boolean', usedBy: 'PolicyConnection.armIdle(): waiting for our own check is not the client being idle' },
  { name: '_nextHandler', shape: 'boolean', usedBy: 'PolicyConnection._onCommand(): false between commands, a function inside an AUTH exchange (the answer to AUTH is kept across its lines)' },
  { name: 'hostNameAppearsAs', shape: 'boolean', usedBy: 'PolicyConnection.handler_EHLO() sets it (false before HELO/EHLO); handler_AUTH() and onData() read it' },
  { name: 'openingCommand', shape: 'boolean', usedBy: 'PolicyConnection.handler_EHLO() sets it (false before HELO/EHLO); onData() names the Received protocol by it' },
  { name: '_setListeners', shape: 'function', arity: 1, usedBy: 'PolicyConnection.init() wires the socket and runs admit() as its callback instead of the library connect sequence' },
  { name: '_setClientHostname', shape: 'function', arity: 1, usedBy: 'PolicyConnection.admit() stores the confirmed reverse DNS name' },
  { name: '_resetSession', shape: 'function', arity: 0, usedBy: 'PolicyConnection.admit() and handler_EHLO() start a session / a transaction' },
  { name: '_sendGreeting', shape: 'function', arity: 0, usedBy: 'PolicyConnection overrides it and calls it from admit()' },
  { name: '_onClose', shape: 'function', arity: 0, usedBy: 'PolicyConnection overrides it to stop its timers and free the connection slot' },
  { name: '_onCommand', shape: 'function', arity: 2, usedBy: 'PolicyConnection overrides it: idle timer, early talkers, PROXY, draining, bad UTF-8, fairness' },
  { name: '_createParser', shape: 'function', arity: 0, usedBy: 'PolicyConnection overrides it to put input-screen.ts (NUL, bare CR/LF, PROXY v2) before the parser' },
  { name: '_getEnhancedStatusCode', shape: 'function', arity: 2, usedBy: 'PolicyConnection.send() asks it for the code of the library\'s own error replies' },
  { name: '_parseAddressCommand', shape: 'function', arity: 2, usedBy: 'PolicyConnection.handler_RCPT() parses RCPT for the recipient limit' },
  { name: '_isOversized', shape: 'function', arity: 1, usedBy: 'PolicyConnection overrides it: the size limit is message-intake.ts\'s' },
  { name: 'emitConnection', shape: 'function', arity: 0, usedBy: 'PolicyConnection.admit() emits the connection once the policy admitted it' },
  { name: 'send', shape: 'function', arity: 3, usedBy: 'PolicyConnection overrides it: the answer of our checks replaces the library\'s text (SmtpReplyError)' },
  ...['EHLO', 'HELO', 'RSET', 'STARTTLS', 'AUTH', 'RCPT'].map((command): Member => ({
    name: `handler_${command}`, shape: 'function', arity: 2, usedBy: `PolicyConnection overrides handler_${command} (the library dispatches commands by this name)`,
  })),
];

const PARSER_MEMBERS: Member[] = [
  { name: '_remainder', shape: 'string', usedBy: 'PolicyConnection.admit(): bytes of a line sent before the greeting mean the client talked too soon' },
  { name: 'write', shape: 'function', usedBy: 'input-screen.ts wraps it: every byte from the socket must pass through it' },
];

const SERVER_MEMBERS: Member[] = [
  { name: 'connections', shape: 'set', usedBy: 'PolicySmtpServer.connect() adds its sessions; start-server.ts counts and closes them when draining' },
  { name: 'options', shape: 'object', usedBy: 'PolicySmtpServer.swapRuntime() updates size, socketTimeout, maxClients, name and SNICallback on reload' },
  { name: 'server', shape: 'object', usedBy: 'start-server.ts listens, closes and reads the address of the net.Server' },
  { name: 'connect', shape: 'function', arity: 2, usedBy: 'PolicySmtpServer overrides it to build PolicyConnection sessions (and refuse floods first)' },
  { name: '_onClientConnect', shape: 'function', arity: 1, usedBy: 'PolicySmtpServer.connect() forwards each session\'s connect event to it' },
  { name: '_onError', shape: 'function', arity: 1, usedBy: 'PolicySmtpServer overrides it to log implicit-TLS handshake failures with their client' },
  { name: '_expectsProxyHeader', shape: 'function', arity: 1, usedBy: 'PolicySmtpServer overrides it: only trusted balancers may send a PROXY header' },
  { name: '_handleProxy', shape: 'function', arity: 2, usedBy: 'PolicySmtpServer overrides it to read PROXY v2 and refuse v1 UNKNOWN' },
  { name: 'updateSecureContext', shape: 'function', arity: 1, usedBy: 'PolicySmtpServer.swapRuntime() installs a reloaded certificate' },
];

function checkShape(owner: string, target: object, member: Member): void {
  const value = (target as Record<string, unknown>)[member.name];
  const where = `smtp-server ${owner}.${member.name}`;
  const actual = value instanceof Set ? 'set' : value === null ? 'null' : typeof value;
  // a field that is false until the session sets it (hostNameAppearsAs, _nextHandler) is a boolean here
  assert.equal(actual, member.shape, `${where} is ${actual}, expected ${member.shape}. Depends on it: ${member.usedBy}`);
  if (member.arity !== undefined) {
    assert.equal((value as (...args: unknown[]) => unknown).length, member.arity, `${where} takes ${(value as (...args: unknown[]) => unknown).length} parameters, expected ${member.arity}. Depends on it: ${member.usedBy}`);
  }
}

test('the installed smtp-server is the 3.21 line the adapter was written against', () => {
  const version = (createRequire(import.meta.url)('smtp-server/package.json') as { version: string }).version;
  assert.match(version, /^3\.21\.\d+$/, `smtp-server ${version} is installed; package.json pins ~3.21 because of the private members checked below`);
});

test('every private member of smtp-server the adapter relies on has the shape it expects', async () => {
  const server = new SMTPServer({ logger: false, disableReverseLookup: true, authOptional: true });
  await new Promise<void>((resolve) => server.listen(0, '127.113.21.6', resolve));
  const { port } = server.server.address() as { port: number };
  let client: Socket | undefined;
  try {
    // a real session: the library builds its connection for a real socket
    client = connect({ host: '127.113.21.6', port });
    client.on('error', () => {});
    const deadline = Date.now() + 5000;
    while (server.connections.size === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    const connection = [...server.connections][0] as SMTPConnection | undefined;
    assert.ok(connection instanceof SMTPConnection, 'SMTPServer.connections holds SMTPConnection instances (PolicySmtpServer adds PolicyConnection ones to it)');

    for (const member of SERVER_MEMBERS) checkShape('SMTPServer', server, member);
    for (const member of CONNECTION_MEMBERS) checkShape('SMTPConnection', connection, member);
    assert.equal(connection._nextHandler, false, 'smtp-server SMTPConnection._nextHandler is false between commands. Depends on it: PolicyConnection._onCommand()');
    assert.ok(connection._parser, 'smtp-server SMTPConnection._parser exists once the connection is built. Depends on it: PolicyConnection.admit(), input-screen.ts');
    for (const member of PARSER_MEMBERS) checkShape('SMTPStream', connection._parser, member);
    for (const mechanism of ['PLAIN', 'LOGIN', 'XOAUTH2', 'CRAM-MD5']) {
      checkShape('sasl', sasl, { name: `SASL_${mechanism}`, shape: 'function', arity: 2, usedBy: `PolicyConnection.handler_AUTH() runs the ${mechanism} exchange with the connection as this, after the policy allowed it` });
    }
  } finally {
    client?.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
