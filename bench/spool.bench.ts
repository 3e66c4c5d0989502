// Spool throughput: accepted 1 KiB messages per second, each fsynced (message, envelope,
// directory) before accept() resolves — one at a time, and 16 at once as a busy server does.
// Reference: the same bytes written without any fsync, the upper bound durability costs us.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { Spool, type SpoolEnvelope } from '../runtime/delivery/spool.js';
import { printWhenRunDirectly, type BenchOptions, type BenchRow } from './bench-kit.js';

const MESSAGE = Buffer.alloc(1024, 'x');
const ENVELOPE: SpoolEnvelope = {
  server: 'bench',
  receivedAt: new Date(0).toISOString(),
  client: { address: '127.0.0.1', ptr: null, user: null, tls: null, helo: 'bench' },
  mailFrom: 'bench@example.test',
  recipients: [{ address: 'rcpt@example.test', route: 'local' }],
};

async function perSecond(count: number, parallel: number, acceptOne: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < count) await acceptOne(next++);
    }),
  );
  return count / ((performance.now() - start) / 1000);
}

export async function run(options: BenchOptions = { quick: false }): Promise<BenchRow[]> {
  const count = options.quick ? 200 : 1000;
  const dir = await mkdtemp(join(tmpdir(), 'smtppolicy-bench-spool-'));
  try {
    const spool = new Spool(join(dir, 'spool'));
    await spool.init();
    const plainDir = join(dir, 'plain');
    await new Spool(plainDir).init();
    const reference = await perSecond(count, 1, (i) => writeFile(join(plainDir, 'queue', `${i}.eml`), MESSAGE));
    const accept = () => spool.accept(ENVELOPE, Readable.from([MESSAGE]));
    const sequential = await perSecond(count, 1, accept);
    const concurrent = await perSecond(count, 16, accept);
    return [
      { name: 'accept, 1 KiB, one at a time', value: sequential, unit: 'msg/s', reference: { name: 'writeFile without fsync', value: reference } },
      { name: 'accept, 1 KiB, 16 concurrent', value: concurrent, unit: 'msg/s', reference: { name: 'writeFile without fsync', value: reference } },
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await printWhenRunDirectly(import.meta.url, run, 0);
