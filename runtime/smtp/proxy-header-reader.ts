// Reads the start of a connection from a trusted load balancer and tells which PROXY
// version it speaks. Version 2 is parsed here; for anything else the bytes read so far are
// put back (socket.unshift) and the caller hands the socket to the version 1 reader, which
// refuses what is not a PROXY line either.
import type { Socket } from 'node:net';
import { mayBeProxyV2, parseProxyV2, type ProxyV2Header } from './proxy-v2.js';

export type ProxyHeaderRead =
  | { version: 1 }
  | { version: 2; header: ProxyV2Header }
  | { version: 'invalid'; reason: string };

export function readProxyHeader(socket: Socket, done: (result: ProxyHeaderRead) => void): void {
  let buffered = Buffer.alloc(0);
  let finished = false;
  const finish = (result: ProxyHeaderRead, unread: Buffer) => {
    if (finished) return;
    finished = true;
    socket.off('readable', onReadable);
    socket.off('error', onError);
    socket.off('close', onClose);
    socket.off('end', onEnd);
    if (unread.length > 0) socket.unshift(unread);
    done(result);
  };
  const onReadable = () => {
    let chunk: Buffer | null;
    while (!finished && (chunk = socket.read() as Buffer | null) !== null) {
      buffered = Buffer.concat([buffered, chunk]);
      if (!mayBeProxyV2(buffered)) return finish({ version: 1 }, buffered);
      const parsed = parseProxyV2(buffered);
      if (parsed.status === 'invalid') return finish({ version: 'invalid', reason: parsed.reason }, Buffer.alloc(0));
      if (parsed.status === 'done') return finish({ version: 2, header: parsed.header }, buffered.subarray(parsed.length));
    }
  };
  const onError = (error: Error) => finish({ version: 'invalid', reason: `socket error before the PROXY header: ${error.message}` }, Buffer.alloc(0));
  const onClose = () => finish({ version: 'invalid', reason: 'connection closed before the PROXY header' }, Buffer.alloc(0));
  const onEnd = () => finish({ version: 'invalid', reason: 'connection ended before the PROXY header' }, Buffer.alloc(0));
  socket.on('readable', onReadable);
  socket.on('error', onError);
  socket.on('close', onClose);
  socket.on('end', onEnd);
}
