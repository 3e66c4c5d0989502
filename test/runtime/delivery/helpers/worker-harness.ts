// A spool + worker on a temp dir with a config whose server `default` (mail.example.test)
// delivers example.test locally and relays everything else as `relayTo` says. Retries are
// short so tests run in milliseconds, not minutes.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Spool, type SpoolEnvelope } from '../../../../runtime/delivery/spool.js';
import { startDeliveryWorker, type DeliveryWorker, type DeliveryWorkerOptions } from '../../../../runtime/delivery/worker.js';
import type { RelayTarget, RuntimeConfig, SmarthostTarget } from '../../../../runtime/config/types.js';
import { domainItem, makeRuntimeConfig, src } from '../../../runtime/fixtures/config-builder.js';
import { makeEnvelope, makeTempDir, streamOf } from './spool-fixtures.js';
import { captureLogger } from './smarthost-fixture.js';

export interface Harness {
  dir: string;
  spool: Spool;
  config: RuntimeConfig;
  logger: ReturnType<typeof captureLogger>;
  worker: DeliveryWorker | null;
  start(options?: Partial<DeliveryWorkerOptions>): DeliveryWorker;
  accept(message: string | Buffer, envelope?: Partial<SpoolEnvelope>): Promise<string>;
  /** Files in new/ of a mailbox, contents. */
  mailbox(address: string): Promise<string[]>;
  cleanup(): Promise<void>;
}

export function smarthostTarget(port: number, overrides: Partial<SmarthostTarget> = {}): SmarthostTarget {
  return { kind: 'smarthost', host: '127.0.0.1', port, tls: 'none', verifyCertificate: true, user: null, password: null, source: src(40), ...overrides };
}

export async function makeHarness(relayTo: RelayTarget = { kind: 'hold', source: null }): Promise<Harness> {
  const { dir, cleanup } = await makeTempDir('delivery');
  const config = makeRuntimeConfig({ storageDir: dir, servers: [{ localDomains: [domainItem('example.test')], relayTo }] });
  const spool = new Spool(config.storage.spool);
  await spool.init();
  const logger = captureLogger();
  const harness: Harness = {
    dir,
    spool,
    config,
    logger,
    worker: null,
    start(options = {}) {
      harness.worker = startDeliveryWorker({
        spool,
        config,
        baseDir: dir,
        logger,
        retry: { initialMs: 100, maxMs: 400 },
        pollIntervalMs: 30,
        ...options,
      });
      return harness.worker;
    },
    async accept(message, envelope = {}) {
      const { id } = await spool.accept(makeEnvelope({ server: 'default', receivedAt: new Date().toISOString(), ...envelope }), streamOf(message));
      harness.worker?.kick();
      return id;
    },
    async mailbox(address) {
      const [local, domain] = address.split('@') as [string, string];
      const folder = join(config.storage.maildir, domain, local, 'new');
      let names: string[];
      try {
        names = (await readdir(folder)).sort();
      } catch {
        return [];
      }
      return Promise.all(names.map((name) => readFile(join(folder, name), 'latin1')));
    },
    async cleanup() {
      await harness.worker?.stop();
      await cleanup();
    },
  };
  return harness;
}
