// Arrival: the client address every later decision is taken for. The server asks the same
// function whether to read a PROXY header (trustsProxyHeader); explain and the linter ask it
// what a header, a LOCAL session or a gateway make of a connection.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decideArrival, trustsProxyHeader } from '../../../runtime/policy/index.js';
import { cidrItem, src } from '../fixtures/config-builder.js';
import { compiledServer, traceSources } from './helpers.js';

const server = compiledServer({
  proxyProtocol: [cidrItem('10.0.0.10/32', src(70, 20))],
  gateways: [cidrItem('172.17.0.1/32', src(71, 13))],
});

describe('arrival', () => {
  test('a connection without a header from an ordinary peer arrives as the peer', () => {
    assert.deepEqual(decideArrival(server, { peerAddress: '198.51.100.7' }), { decision: 'accept', clientAddress: '198.51.100.7', trace: [] });
  });

  test('a header from a trusted balancer is believed: the claimed address decides', () => {
    const arrival = decideArrival(server, { peerAddress: '10.0.0.10', proxyClaim: '203.0.113.5' });
    assert.equal(arrival.decision, 'accept');
    assert.equal(arrival.decision === 'accept' && arrival.clientAddress, '203.0.113.5');
    assert.deepEqual(traceSources(arrival.trace), [src(70, 20)]);
    assert.equal(trustsProxyHeader(server, '10.0.0.10'), true);
    assert.equal(trustsProxyHeader(server, '::ffff:10.0.0.10'), true, 'an IPv4-mapped peer is its IPv4 address');
  });

  test('a header from any other peer is refused with 554 5.7.1, as the server refuses it', () => {
    const arrival = decideArrival(server, { peerAddress: '10.0.0.11', proxyClaim: '203.0.113.5' });
    assert.equal(arrival.decision, 'refuse');
    assert.deepEqual(arrival.decision === 'refuse' && arrival.reply, {
      code: 554,
      enhanced: '5.7.1',
      text: 'mail.example.test Error: PROXY header from an address that is not a trusted load balancer',
    });
    assert.equal(trustsProxyHeader(server, '10.0.0.11'), false);
  });

  test('a trusted balancer that sends no header, or names no address, is closed without a reply', () => {
    for (const facts of [{ peerAddress: '10.0.0.10' }, { peerAddress: '10.0.0.10', proxyClaim: 'unknown' }]) {
      const arrival = decideArrival(server, facts);
      assert.equal(arrival.decision, 'refuse');
      assert.equal(arrival.decision === 'refuse' && arrival.reply, null);
    }
  });

  test("a v2 LOCAL session keeps the balancer's own address, only from a trusted balancer", () => {
    const local = decideArrival(server, { peerAddress: '10.0.0.10', proxyLocal: true });
    assert.equal(local.decision === 'accept' && local.clientAddress, '10.0.0.10');
    assert.equal(decideArrival(server, { peerAddress: '10.0.0.11', proxyLocal: true }).decision, 'refuse');
  });

  test('a client behind a declared gateway arrives as the gateway, and the trace says so', () => {
    const arrival = decideArrival(server, { peerAddress: '172.17.0.1', behindGateway: '8.8.8.8' });
    assert.equal(arrival.decision === 'accept' && arrival.clientAddress, '172.17.0.1');
    assert.match(arrival.trace[0]!.step, /^client 8\.8\.8\.8 reaches the server through 172\.17\.0\.1$/);
    assert.deepEqual(traceSources(arrival.trace), [src(71, 13)]);
  });
});
