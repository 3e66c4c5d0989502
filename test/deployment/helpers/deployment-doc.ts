// The deployment that docs/deployment.md shows, made runnable on loopback: its HAProxy
// configuration and its policy, read from the page, with the page's addresses, ports and
// directories swapped for the test's. Every swap must find what it replaces, so a page that
// changes its example fails here instead of silently testing something else.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const PAGE = fileURLToPath(new URL('../../../docs/deployment.md', import.meta.url));

/** The one fenced block of `language` on the page (```language … ```). */
export function pageBlock(language: string): string {
  const text = readFileSync(PAGE, 'utf8');
  const blocks = [...text.matchAll(new RegExp(`^\`\`\`${language}\\n([\\s\\S]*?)^\`\`\`$`, 'gm'))].map((m) => m[1]!);
  if (blocks.length !== 1) throw new Error(`docs/deployment.md: expected one \`\`\`${language} block, found ${blocks.length}`);
  return blocks[0]!;
}

/** `text` with every occurrence of `from` replaced; throws when there is none. */
function swap(text: string, from: string | RegExp, to: string, what: string): string {
  const found = typeof from === 'string' ? text.includes(from) : from.test(text);
  if (!found) throw new Error(`docs/deployment.md no longer has ${what} (${String(from)}): update the test's loopback mapping`);
  return typeof from === 'string' ? text.split(from).join(to) : text.replace(new RegExp(from.source, `${from.flags.replace('g', '')}g`), to);
}

/** The page's addresses and where the test puts them. */
export const PAGE_ADDRESSES = {
  balancer: '10.0.0.10',
  instances: ['10.0.0.21', '10.0.0.22'],
  refusedNetwork: '203.0.113.0/24',
  relayNetwork: '10.1.0.0/16',
} as const;

export interface Loopback {
  /** HAProxy's frontend and the source of its connections to the instances. */
  balancer: string;
  frontendPort: number;
  instances: { address: string; port: number; dir: string }[];
  /** Stands for the page's refused network. */
  refused: string;
  /** Stands for the page's relay network. */
  relay: string;
  /** Stands for the page's Redis: a loopback `redis://` URL (no TLS, so no CA file) and its password file. */
  redis: { url: string; passwordFile: string };
}

/**
 * The page's haproxy.cfg on loopback: logs to stderr (the page's syslog socket may not exist),
 * a `maxconn` that fits a container's descriptor limit (HAProxy needs two descriptors per
 * connection and refuses to start when it cannot raise its limit that far; under systemd it
 * can), and, when not root, without the chroot and the switch to the haproxy user.
 */
export function haproxyConfig(at: Loopback): string {
  let config = pageBlock('haproxy');
  config = swap(config, /^[ \t]*log \/dev\/log local0$/m, '    log stderr format raw local0', 'the syslog line');
  config = swap(config, /^[ \t]*maxconn \d+$/m, '    maxconn 1000', 'the global maxconn');
  config = swap(config, /^[ \t]*bind :25$/m, `    bind ${at.balancer}:${at.frontendPort}`, 'the frontend on port 25');
  config = swap(config, `source ${PAGE_ADDRESSES.balancer}`, `source ${at.balancer}`, "HAProxy's source address");
  PAGE_ADDRESSES.instances.forEach((address, i) => {
    const instance = at.instances[i]!;
    config = swap(config, `${address}:25`, `${instance.address}:${instance.port}`, `instance ${address}`);
  });
  if (process.getuid?.() !== 0) config = swap(config, /^[ \t]*(chroot|user|group) .*$/gm, '', 'the chroot and user lines');
  return config;
}

/** The page's policy for instance `index` (0: mx1, 1: mx2) on loopback, its storage and mailbox list (`mailboxes`) in the instance's dir. */
export function instancePolicy(at: Loopback, index: number): string {
  const instance = at.instances[index]!;
  let policy = pageBlock('smtppolicy');
  policy = swap(policy, '/var/spool/smtppolicy', `${instance.dir}/spool`, 'the spool directory');
  policy = swap(policy, '/var/mail/smtppolicy', `${instance.dir}/mail`, 'the maildir root');
  policy = swap(policy, /"\/etc\/smtppolicy\/[^"]+\.mailboxes"/, `"${instance.dir}/mailboxes"`, 'the mailbox list');
  policy = swap(policy, `listen ${PAGE_ADDRESSES.instances[0]}:25`, `listen ${instance.address}:${instance.port}`, "mx1's listen line");
  if (index === 1) policy = swap(policy, 'hostname mx1.', 'hostname mx2.', "mx1's hostname");
  policy = swap(policy, `proxy-protocol { ${PAGE_ADDRESSES.balancer} }`, `proxy-protocol { ${at.balancer} }`, 'the proxy-protocol line');
  policy = swap(policy, PAGE_ADDRESSES.refusedNetwork, at.refused, 'the refused network');
  policy = swap(policy, `relay { ${PAGE_ADDRESSES.relayNetwork} }`, `relay { ${at.relay} }`, 'the relay grant');
  policy = swap(policy, /redis "rediss:\/\/[^"]+"/, `redis "${at.redis.url}"`, 'the Redis URL');
  policy = swap(policy, /password file "\/etc\/smtppolicy\/redis\.password"/, `password file "${at.redis.passwordFile}"`, "Redis's password file");
  policy = swap(policy, /^[ \t]*ca-file .*\n/m, '', "Redis's CA file");
  return policy;
}
