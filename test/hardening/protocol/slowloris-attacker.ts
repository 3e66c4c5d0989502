// The slowloris attacker of slowloris.test.ts, run in a child process so that its own work
// (thousands of connects and reconnects) competes with the server for the CPU as a remote
// attacker's would not: in the server's process it would slow the server's event loop for
// reasons that have nothing to do with the server.
//
// Arguments: port, addresses (127.0.1.1 … 127.0.1.N), connections per address, the most
// connection attempts in all. Each slow client connects, trickles `EHLO` one byte every
// 500 ms once greeted (a byte before the greeting would be refused as an early talker), and
// reconnects 1–2 s after it is refused or cut. Reports its state to the parent every 100 ms.
import { connect, type Socket } from 'node:net';

const [port, addresses, perAddress, maxAttempts] = process.argv.slice(2).map(Number) as [number, number, number, number];

export interface AttackReport {
  attempts: number;
  greeted: number;
  refusals: string[];
}

const report: AttackReport = { attempts: 0, greeted: 0, refusals: [] };
const open = new Set<Socket>();
let stopped = false;

function slowClient(localAddress: string): void {
  if (stopped || report.attempts >= maxAttempts) return;
  report.attempts++;
  const socket = connect({ port, host: '127.0.0.1', localAddress });
  open.add(socket);
  let received = '';
  let greeted = false;
  let sent = 0;
  let trickle: NodeJS.Timeout | undefined;
  socket.setEncoding('latin1');
  socket.on('data', (data: string) => {
    received += data;
    if (!greeted && /^220 /.test(received)) {
      greeted = true;
      report.greeted++;
      trickle = setInterval(() => socket.write('EHLO slow.example'[sent++ % 17]!), 500);
    } else if (!greeted && /^421 .*\r\n/.test(received) && report.refusals.length < 50) {
      report.refusals.push(received.trim());
    }
  });
  socket.on('error', () => {});
  socket.on('close', () => {
    clearInterval(trickle);
    open.delete(socket);
    if (greeted) report.greeted--;
    setTimeout(() => slowClient(localAddress), 1000 + Math.random() * 1000);
  });
}

for (let i = 0; i < addresses * perAddress; i++) slowClient(`127.0.1.${(i % addresses) + 1}`);
const reporter = setInterval(() => process.send?.(report), 100);
process.on('message', () => {
  stopped = true;
  clearInterval(reporter);
  process.send?.(report, () => {
    for (const socket of open) socket.destroy();
    process.disconnect();
  });
});
