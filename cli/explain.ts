// `smtppolicy explain <entry> --server NAME --client IP [--proxy-from IP | --proxy-local | --via-gateway IP]
//   [--ptr NAME [--unconfirmed]] [--dns-fail]
//   [--tls [--tls-version V] [--cipher-bits N]] [--user NAME] [--mail-from ADDR] --rcpt ADDR
//   [--over-rate LIMIT…] [--format json]`
//
// Answers "what would the server do with this client?" without a server: it compiles the
// policy and asks runtime/policy — the same functions the server calls — for the decision,
// the SMTP reply it implies and the trace of what decided it.

import { isIP } from 'node:net';
import type { RuntimeConfig, ServerConfig, StateConfig } from '../runtime/config/index.js';
import { type ArrivalFacts, compilePolicy, explainClient, explanationLines, type Explanation, formatReply, rateLimitName, type SessionFacts } from '../runtime/policy/index.js';
import { argsOrHelp, helpText, type OptionTable } from './args.js';
import type { CliIo, Command } from './command.js';
import { EXIT_FINDINGS, EXIT_OK, UsageError } from './command.js';
import { loadRunnablePolicy } from './load-config.js';
import { MailboxLists, openRecipientDirectories } from '../runtime/recipients/index.js';

export const OPTIONS = {
  server: { type: 'string', value: 'NAME', description: 'the server of the policy to ask (may be left out when there is one)' },
  client: { type: 'string', value: 'IP', description: "the client's address (required)" },
  rcpt: { type: 'string', value: 'ADDR', description: 'the recipient to decide (required)' },
  'proxy-from': { type: 'string', value: 'IP', description: 'the connection comes from IP, whose PROXY header claims --client' },
  'proxy-local': { type: 'boolean', description: 'the client is a trusted balancer sending a PROXY v2 LOCAL header (its own session)' },
  'via-gateway': { type: 'string', value: 'IP', description: 'the client reaches the server through a gateway at IP (NAT, a load balancer without PROXY, a container bridge): the server sees IP' },
  ptr: { type: 'string', value: 'NAME', description: "the client's reverse DNS name (forward-confirmed unless --unconfirmed)" },
  unconfirmed: { type: 'boolean', description: 'the --ptr name is not forward-confirmed' },
  'dns-fail': { type: 'boolean', description: 'the reverse lookup fails (timeout, SERVFAIL)' },
  tls: { type: 'boolean', description: 'the session is encrypted (default TLSv1.3 with a 256-bit cipher)' },
  'tls-version': { type: 'string', value: 'V', description: 'with --tls: the negotiated version, TLSv1 | TLSv1.1 | TLSv1.2 | TLSv1.3' },
  'cipher-bits': { type: 'string', value: 'N', description: "with --tls: the negotiated cipher's strength in bits" },
  user: { type: 'string', value: 'NAME', description: 'the client has authenticated as NAME' },
  'mail-from': { type: 'string', value: 'ADDR', description: 'the envelope sender (default: the --user, or sender@example.invalid)' },
  'over-rate': {
    type: 'string',
    value: 'LIMIT',
    multiple: true,
    description: 'the client is over this rate limit of the server (e.g. message-rate-per-user): explain shows its refusal; without it the trace lists the rate limits that apply',
  },
  format: { type: 'string', value: 'pretty|json', default: 'pretty', choices: ['pretty', 'json'], description: 'output format' },
} as const satisfies OptionTable;

export const HELP = helpText({
  usage: `Usage: smtppolicy explain <entry.smtppolicy | config.json> --server NAME --client IP --rcpt ADDR [facts…]

Prints the decision (accept, refuse, tempfail), the stage that decided (connect, tls, auth,
mail, rcpt), the SMTP reply and the trace of policy lines that decided it.`,
  options: OPTIONS,
});

const TLS_VERSIONS = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

export const run: Command = async (argv, io) => {
  const args = argsOrHelp(argv, OPTIONS, HELP, io);
  if (args === undefined) return EXIT_OK;
  const { values, positionals } = args;
  if (positionals.length !== 1) throw new UsageError('expected one policy or config file');
  if (!values.client || isIP(values.client.replace(/^\[|\]$/g, '')) === 0) throw new UsageError(`--client needs an IP address${values.client ? `, found '${values.client}'` : ''}`);
  const proxyFrom = ipOption(values['proxy-from'], '--proxy-from');
  const viaGateway = ipOption(values['via-gateway'], '--via-gateway');
  if ([proxyFrom !== undefined, viaGateway !== undefined, values['proxy-local'] === true].filter(Boolean).length > 1) {
    throw new UsageError('--proxy-from, --via-gateway and --proxy-local describe different arrivals; give one');
  }
  if (!values.rcpt) throw new UsageError('--rcpt ADDR is required: the recipient to decide');
  if (values.ptr && values['dns-fail']) throw new UsageError('--ptr and --dns-fail contradict each other');
  if (values.unconfirmed && !values.ptr) throw new UsageError('--unconfirmed describes a --ptr name; give --ptr too');
  if ((values['cipher-bits'] || values['tls-version']) && !values.tls) throw new UsageError('--cipher-bits and --tls-version describe a TLS session; add --tls');
  const tlsVersion = values['tls-version'] ?? 'TLSv1.3';
  if (!TLS_VERSIONS.includes(tlsVersion)) throw new UsageError(`--tls-version must be one of ${TLS_VERSIONS.join(', ')}`);
  const cipherBits = values['cipher-bits'] === undefined ? 256 : Number(values['cipher-bits']);
  if (!Number.isInteger(cipherBits) || cipherBits < 0) throw new UsageError(`--cipher-bits needs a whole number, found '${values['cipher-bits']}'`);

  const loaded = await loadRunnablePolicy('explain', positionals[0]!, io, { allowRuleErrors: true });
  if (loaded === null) return EXIT_FINDINGS;

  const findings = loaded.report?.diagnostics.filter((d) => d.severity === 'error').length ?? 0;
  if (findings > 0) io.stderr.write(`smtppolicy explain: note: lint reports ${findings} error${findings === 1 ? '' : 's'} in this policy; explaining it as written\n`);

  const policy = compilePolicy(loaded.config);
  const names = policy.servers.map((s) => s.config.name);
  const serverName = values.server ?? (names.length === 1 ? names[0] : undefined);
  if (serverName === undefined) throw new UsageError(`--server NAME is required: the policy has servers ${names.join(', ')}`);
  const server = policy.server(serverName);
  if (!server) throw new UsageError(`no server named '${serverName}' (servers: ${names.join(', ')})`);

  const client = values.client.replace(/^\[|\]$/g, '');
  const arrivalFacts: ArrivalFacts =
    proxyFrom !== undefined
      ? { peerAddress: proxyFrom, proxyClaim: client }
      : viaGateway !== undefined
        ? { peerAddress: viaGateway, behindGateway: client }
        : values['proxy-local']
          ? { peerAddress: client, proxyLocal: true }
          : { peerAddress: client };
  const facts: Omit<SessionFacts, 'clientAddress'> = {
    ...(values.ptr ? { reverseDns: { status: 'found', name: values.ptr, confirmed: !values.unconfirmed } } : {}),
    ...(values['dns-fail'] ? { reverseDns: { status: 'error', reason: 'lookup failed (--dns-fail)' } } : {}),
    // Without --ptr or --dns-fail the client simply has no PTR record.
    ...(!values.ptr && !values['dns-fail'] ? { reverseDns: { status: 'none' } } : {}),
    tls: values.tls ? { version: tlsVersion, cipher: `${cipherBits}-bit cipher`, cipherBits } : null,
    user: values.user ?? null,
    mailFrom: values['mail-from'] ?? (values.user ?? 'sender@example.invalid'),
    rcptTo: values.rcpt,
    ...overRates(server.config, values['over-rate']),
  };
  const mailboxes = await readMailboxes(server.config, loaded.config.userStores, loaded.baseDir, io);
  try {
    // a directory-backed recipient list: ask the directory as the server does, deciding
    // again until the walk has every answer it asked for (runtime/recipients' RecipientLookup)
    const lookup = mailboxes.lists.asksDirectories ? mailboxes.lists.lookup() : undefined;
    const explain = () => explainClient(server, arrivalFacts, { ...facts, mailboxes: lookup ?? mailboxes.lists });
    let decision = explain();
    for (let round = 0; lookup && lookup.missing.size > 0 && round < DIRECTORY_ROUNDS; round++) {
      await lookup.fetchMissing();
      decision = explain();
    }
    for (const failure of lookup?.failures() ?? []) io.stderr.write(`smtppolicy explain: note: ${failure.message}\n`);
    writeDecision(io, decision, values.format, loaded.config.state ?? null);
  } finally {
    mailboxes.close();
  }
  return EXIT_OK;
};

/** As the server: an alias or group level a round. */
const DIRECTORY_ROUNDS = 8;

/**
 * The mailboxes the server would read for this server's recipient lists, read the same way,
 * and the directory stores they name, opened with this environment's bind password (the
 * directory is asked per recipient, as by the server).
 * A list that cannot be read here (explain may run away from the mail host) is named in a
 * note; a recipient only it could confirm is then explained as undecided (the server's
 * temporary refusal), never as unknown.
 */
async function readMailboxes(server: ServerConfig, stores: RuntimeConfig['userStores'], baseDir: string, io: CliIo): Promise<{ lists: MailboxLists; close(): void }> {
  const opened = await openRecipientDirectories(server.recipients ?? [], stores, { baseDir, env: io.env });
  for (const failure of opened.failures) {
    io.stderr.write(`smtppolicy explain: note: ${failure.message}; recipients only this directory could confirm are not decided\n`);
  }
  const lists = new MailboxLists(server.recipients ?? [], stores, baseDir, undefined, opened.directories);
  for (const failure of await lists.loadAvailable()) {
    io.stderr.write(`smtppolicy explain: note: ${failure.message}; recipients only this list could confirm are not decided\n`);
  }
  return { lists, close: opened.close };
}

/**
 * `--over-rate NAME…` as the shared state's verdicts: the named limits' windows are full.
 * The limits not named stay undecided (the trace says they apply); a name the server does
 * not set is a usage error, not a silent no-op.
 */
function overRates(server: ServerConfig, names: string[] | undefined): Pick<SessionFacts, 'rates'> {
  if (!names || names.length === 0) return {};
  const set = (server.limits.rates ?? []).map(rateLimitName);
  const rates: Record<string, { allowed: boolean; retryAfterMs: number }> = {};
  for (const name of names) {
    const limit = (server.limits.rates ?? []).find((l) => rateLimitName(l) === name);
    if (!limit) throw new UsageError(`--over-rate ${name}: server ${server.name} sets ${set.length === 0 ? 'no rate limits' : `only ${set.join(', ')}`}`);
    rates[name] = { allowed: false, retryAfterMs: limit.periodMs };
  }
  return { rates };
}

function ipOption(value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  const address = value.replace(/^\[|\]$/g, '');
  if (isIP(address) === 0) throw new UsageError(`${flag} needs an IP address, found '${value}'`);
  return address;
}

/**
 * Where the limits behind a refusal for too many connections or failed logins are counted,
 * when not on this host alone; shown with the decision (the policy's `state` block).
 */
export function stateLine(state: StateConfig): string {
  const fallback = state.onUnreachable === 'local'
    ? "each host applies them alone (limits × hosts)"
    : 'new sessions get 421 4.3.0, AUTH 454 4.7.0';
  return `limits shared by every host in Redis ${state.url} (${state.source}); while it is unreachable (on-unreachable ${state.onUnreachable}): ${fallback}`;
}

function writeDecision(io: CliIo, decision: Explanation, format: string, state: StateConfig | null): void {
  if (format === 'json') {
    const reply = decision.reply === null ? null : formatReply(decision.reply);
    const rcpt = decision.stage === 'rcpt' ? decision : undefined;
    const { decision: outcome, stage, trace } = decision;
    const delivery = {
      ...(rcpt?.route ? { route: rcpt.route } : {}),
      ...(rcpt?.deliverTo ? { deliverTo: rcpt.deliverTo } : {}),
      ...(rcpt?.targets ? { targets: rcpt.targets } : {}),
      ...(rcpt?.aliasLoops ? { aliasLoops: rcpt.aliasLoops } : {}),
    };
    const shared = state ? { state: { backend: state.backend, url: state.url, onUnreachable: state.onUnreachable, source: state.source } } : {};
    io.stdout.write(`${JSON.stringify({ decision: outcome, stage, reply, ...delivery, trace, ...shared }, null, 2)}\n`);
    return;
  }
  io.stdout.write(`${[...explanationLines(decision), ...(state ? [`state: ${stateLine(state)}`] : [])].join('\n')}\n`);
}
