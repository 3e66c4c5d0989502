// `smtppolicy verify <entry.smtppolicy | config.json> [options]`
// Probes a live server over SMTP and checks each answer against what runtime/policy says
// for the same facts. Exit 0 when every probe that ran passed, 1 when one failed (or the
// policy has errors), 2 on a usage error, a --source this machine cannot send from, or a
// server that cannot be reached at all.

import { isIP } from 'node:net';
import { parseDuration } from '../grammar/index.js';
import { formatJson, formatPretty, SourceNotLocalError, TargetUnreachableError, UnknownServerError, verifyServers, type VerifyCredentials } from '../verify/index.js';
import { argsOrHelp, helpText, type OptionTable } from './args.js';
import type { Command } from './command.js';
import { EXIT_FINDINGS, EXIT_OK, UsageError } from './command.js';
import { loadRunnablePolicy } from './load-config.js';

export const OPTIONS = {
  server: { type: 'string', value: 'NAME', description: 'verify only this server of the policy' },
  target: { type: 'string', value: 'HOST', description: "connect here instead of the policy's listen addresses\n(0.0.0.0 and :: in the policy mean loopback)" },
  'port-map': { type: 'string', value: 'FROM:TO', multiple: true, description: "connect to port TO for the policy's port FROM" },
  source: {
    type: 'string', value: 'ADDR', multiple: true,
    description: "connect from this source address; by default, on a loopback target,\naddresses in 127.0.0.0/8 inside and outside the policy's lists are chosen",
  },
  user: { type: 'string', value: 'NAME', description: 'log in as this user for the login and relay probes' },
  'password-env': { type: 'string', value: 'VAR', description: 'the environment variable holding the password of --user\n(never given on the command line)' },
  format: { type: 'string', value: 'pretty|json', default: 'pretty', choices: ['pretty', 'json'], description: 'output format' },
  timeout: { type: 'string', value: 'DURATION', default: '10s', description: 'bound on each connect, handshake and reply' },
} as const satisfies OptionTable;

export const HELP = helpText({
  usage: `Usage: smtppolicy verify <entry.smtppolicy | config.json> [options]

Connects to a running server and checks that it behaves as the policy says: connection
control, authentication before and after TLS, TLS versions, ciphers and certificate, and
relaying. Nothing is ever sent: relay probes reset before DATA.`,
  options: OPTIONS,
  footer: `verify's own TLS accepts self-signed certificates; the certificate probe checks the
hostname and validity dates itself.
Exit status: 0 every probe that ran passed, 1 a probe failed (or the policy has errors),
2 usage error, or the target cannot be reached at all.`,
});

function parsePortMap(entries: string[]): Map<number, number> {
  const map = new Map<number, number>();
  for (const entry of entries) {
    const match = /^(\d{1,5}):(\d{1,5})$/.exec(entry);
    const from = Number(match?.[1]);
    const to = Number(match?.[2]);
    if (!match || from < 1 || from > 65535 || to < 1 || to > 65535) {
      throw new UsageError(`--port-map expects FROM:TO with ports between 1 and 65535, found '${entry}'`);
    }
    map.set(from, to);
  }
  return map;
}

function credentialsFrom(user: string | undefined, passwordEnv: string | undefined, env: NodeJS.ProcessEnv): VerifyCredentials | undefined {
  if (user === undefined && passwordEnv === undefined) return undefined;
  if (user === undefined) throw new UsageError('--password-env needs --user');
  if (passwordEnv === undefined) throw new UsageError('--user needs --password-env VAR (the password is read from that environment variable, never from the command line)');
  const password = env[passwordEnv];
  if (password === undefined || password === '') throw new UsageError(`the environment variable ${passwordEnv} (from --password-env) is not set`);
  return { user, password };
}

export const run: Command = async (argv, io) => {
  const args = argsOrHelp(argv, OPTIONS, HELP, io);
  if (args === undefined) return EXIT_OK;
  const { values, positionals } = args;
  if (positionals.length !== 1) throw new UsageError('expected exactly one policy or config file: smtppolicy verify <entry.smtppolicy | config.json>');
  const timeout = parseDuration(values.timeout);
  if (!timeout.ok) throw new UsageError(`--timeout: ${timeout.message}`);
  if (timeout.value <= 0) throw new UsageError('--timeout must be longer than 0');
  const portMap = parsePortMap(values['port-map'] ?? []);
  const sources = values.source ?? [];
  for (const source of sources) if (isIP(source) === 0) throw new UsageError(`--source expects an IP address, found '${source}'`);
  const credentials = credentialsFrom(values.user, values['password-env'], io.env);

  const loaded = await loadRunnablePolicy('verify', positionals[0]!, io);
  if (loaded === null) return EXIT_FINDINGS;

  let report;
  try {
    report = await verifyServers(loaded.config, {
      ...(values.target === undefined ? {} : { target: values.target }),
      ...(values.server === undefined ? {} : { serverName: values.server }),
      ...(credentials ? { credentials } : {}),
      portMap,
      sources,
      timeoutMs: timeout.value,
    });
  } catch (error) {
    if (error instanceof UnknownServerError) throw new UsageError(`--server: ${error.message}`);
    // nothing could be probed: one line and exit 2, not a FAIL per probe
    if (error instanceof SourceNotLocalError || error instanceof TargetUnreachableError) throw new UsageError(error.message);
    throw error;
  }
  io.stdout.write(values.format === 'json' ? formatJson(report) : formatPretty(report, { color: Boolean(io.stdout.isTTY) && !io.env.NO_COLOR }));
  return report.summary.fail > 0 ? EXIT_FINDINGS : EXIT_OK;
};
