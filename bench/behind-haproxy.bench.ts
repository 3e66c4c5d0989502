// Throughput behind HAProxy (issue 22): 1 KiB messages accepted per second from 20 parallel
// sessions through a real HAProxy (TCP mode, send-proxy-v2, `balance leastconn`, as in
// docs/deployment.md) to one `serve` instance, and to two, in the same run; and the same
// instance reached directly, to show what the balancer costs. Each instance is the shipped
// CLI bundle with `--workers 1` on the throughput benchmark's policy (200 connection ranges,
// relay by address, relayed mail held) plus `proxy-protocol { 127.0.0.1 }`, on its own spool.
// On a 2-core machine the two instances, HAProxy and the 20 client sessions share the two
// cores: the ratio says what a second instance gains when it has no core of its own, which
// is a floor for hosts that each bring theirs (BENCHMARKS.md, "Behind HAProxy").
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchHaproxy, type Haproxy } from '../test/helpers/haproxy.js';
import { toolPath } from '../test/helpers/tools.js';
import { median, printWhenRunDirectly, type BenchOptions, type BenchRow } from './bench-kit.js';
import { freePort } from './postfix/smtp-source.js';
import { processCpuSeconds } from './process-cpu.js';
import { startServe, type Serve } from './serve-child.js';
import { benchPolicyText } from './server-throughput/bench-policy.js';
import { sendMessages } from './smtp-session.js';

const SESSIONS = 20;
const BALANCER = '127.0.0.1';
// the load's sessions come from 127.0.1.1 onwards (bench/smtp-session.ts), relayed by address
const CLIENTS = '127.0.1.0/24';

function instancePolicy(listen: string): string {
  return benchPolicyText(CLIENTS).replace('listen 127.0.0.1:2525', `listen ${listen}\n  relay-to hold\n  proxy-protocol { ${BALANCER} }`);
}

/** One frontend per case: `one` balances over the first instance alone, `two` over both. */
function haproxyConfig(frontends: { one: number; two: number }, instances: Serve[]): string {
  const server = (name: string, instance: Serve) => `    server ${name} 127.0.0.1:${instance.port} send-proxy-v2`;
  return `global
    maxconn 1000

defaults
    mode tcp
    timeout connect 5s
    timeout client 1m
    timeout server 1m

frontend one
    bind 127.0.0.1:${frontends.one}
    default_backend one

frontend two
    bind 127.0.0.1:${frontends.two}
    default_backend two

backend one
    balance leastconn
    source ${BALANCER}
${server('mx1', instances[0]!)}

backend two
    balance leastconn
    source ${BALANCER}
${server('mx1', instances[0]!)}
${server('mx2', instances[1]!)}
`;
}

type Case = 'direct' | 'one' | 'two';

export async function run(options: BenchOptions = { quick: false }): Promise<BenchRow[]> {
  const haproxyBinary = toolPath('haproxy');
  if (!haproxyBinary) {
    console.error('behind-haproxy: haproxy is not installed (apt-get install haproxy): skipped');
    return [];
  }
  const dirs = await Promise.all([1, 2].map(() => mkdtemp(join(tmpdir(), 'smtppolicy-bench-haproxy-'))));
  const instances: Serve[] = [];
  let haproxy: Haproxy | undefined;
  try {
    for (const dir of dirs) instances.push(await startServe(dir, { workers: 1, policy: instancePolicy, probeFrom: '127.0.0.2' }));
    const frontends = { one: await freePort(), two: await freePort() };
    haproxy = await launchHaproxy(haproxyBinary, haproxyConfig(frontends, instances));
    const ports: Record<Case, number> = { direct: instances[0]!.port, one: frontends.one, two: frontends.two };
    const figures: Record<Case, { reuse: number[]; perMessage: number[] }> = {
      direct: { reuse: [], perMessage: [] }, one: { reuse: [], perMessage: [] }, two: { reuse: [], perMessage: [] },
    };
    const rounds = options.quick ? 3 : 5;
    const count = options.quick ? 300 : 2000;
    for (const port of Object.values(ports)) await sendMessages({ port, count: 100, reuse: true, sessions: SESSIONS }); // warm-up
    // the machine is shared: the three cases measured back to back each round, the order turning
    const orders: Case[][] = [['direct', 'one', 'two'], ['two', 'direct', 'one'], ['one', 'two', 'direct']];
    // where the time went behind the balancer: CPU seconds of HAProxy and of the instances
    // over every message sent through it, per message
    const cpu = { reuse: { haproxy: 0, instances: 0, messages: 0 }, perMessage: { haproxy: 0, instances: 0, messages: 0 } };
    const pids = { haproxy: haproxy.pid, instances: instances.map((i) => i.pid) };
    const measure = async (name: Case, mode: 'reuse' | 'perMessage') => {
      const messages = mode === 'reuse' ? count : count / 2;
      const before = { haproxy: processCpuSeconds(pids.haproxy), instances: pids.instances.map(processCpuSeconds) };
      figures[name][mode].push(await sendMessages({ port: ports[name], count: messages, reuse: mode === 'reuse', sessions: SESSIONS }));
      if (name === 'direct') return;
      cpu[mode].haproxy += processCpuSeconds(pids.haproxy) - before.haproxy;
      cpu[mode].instances += pids.instances.reduce((sum, pid, i) => sum + processCpuSeconds(pid) - before.instances[i]!, 0);
      cpu[mode].messages += messages;
    };
    for (let round = 0; round < rounds; round++) {
      const order = orders[round % orders.length]!;
      for (const name of order) await measure(name, 'reuse');
      for (const name of order) await measure(name, 'perMessage');
    }
    const perMessageCpu = (mode: 'reuse' | 'perMessage', label: string): BenchRow => ({
      name: `HAProxy CPU per message, ${label}`, value: (cpu[mode].haproxy / cpu[mode].messages) * 1e6, unit: 'µs',
      reference: { name: 'serve CPU per message (the instances, same messages)', value: (cpu[mode].instances / cpu[mode].messages) * 1e6 },
    });
    const row = (name: string, value: number[], refName: string, ref: number[]): BenchRow => ({
      name, value: median(value), unit: 'msg/s', reference: { name: refName, value: median(ref) },
    });
    return [
      row('2 instances behind HAProxy, accepted, 1 KiB, 20 sessions, (a) reusing connections', figures.two.reuse, '1 instance behind HAProxy', figures.one.reuse),
      row('2 instances behind HAProxy, accepted, 1 KiB, 20 sessions, (b) one connection per message', figures.two.perMessage, '1 instance behind HAProxy', figures.one.perMessage),
      row('1 instance behind HAProxy, accepted, 1 KiB, 20 sessions, (a) reusing connections', figures.one.reuse, 'the same instance, direct', figures.direct.reuse),
      row('1 instance behind HAProxy, accepted, 1 KiB, 20 sessions, (b) one connection per message', figures.one.perMessage, 'the same instance, direct', figures.direct.perMessage),
      perMessageCpu('reuse', '(a) reusing connections'),
      perMessageCpu('perMessage', '(b) one connection per message'),
    ];
  } finally {
    await haproxy?.stop();
    for (const instance of instances) await instance.stop();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  }
}

await printWhenRunDirectly(import.meta.url, run, 1);
