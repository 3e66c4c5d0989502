// What the playground shows for a policy, computed off the page's thread (worker.ts) and in
// Node by the tests: the compiler's diagnostics with their fixes as offsets the editor can
// apply, the runtime config JSON, what runtime/policy decides for one client, and the graph.
// Nothing is re-implemented here: checkPolicy, emitConfig, explainClient and policySvg are
// the functions `lint`, `compile`, `explain` and `graph` call.

import { checkPolicy, emitConfig, type PolicyModel } from '../compiler/index.js';
import { SEMANTIC, SYNTAX } from '../grammar/index.js';
import { policySvg, SideTexts } from '../review/index.js';
import { parseAddress } from '../net/ip.js';
import { compilePolicy, explainClient, explanationLines } from '../runtime/policy/index.js';
import { PLAYGROUND_DIR, POLICY_FILE, POLICY_PATH, readEditorText } from './in-memory-policy.js';

/** One change to the editor's text: replace [from, to) with `insert` (offsets in UTF-16 code units). */
export interface TextChange {
  from: number;
  to: number;
  insert: string;
}

export interface PlaygroundDiagnostic {
  ruleId: string;
  severity: 'error' | 'warning' | 'info';
  message: string;
  from: number;
  to: number;
  fix?: { description: string; changes: TextChange[] };
}

export interface Findings {
  diagnostics: PlaygroundDiagnostic[];
  /** The servers the policy declares, for the explain form; empty when it does not compile. */
  servers: string[];
}

export interface ExplainRequest {
  server: string;
  client: string;
  rcpt: string;
}

export interface Views {
  /** The runtime config `smtppolicy compile` writes; null while the language reports errors. */
  json: string | null;
  /** The explain command's lines for the request, or why there is nothing to explain. */
  explanation: string[];
  /** The graph's SVG (every server), or null when there is no server to draw. */
  svg: string | null;
}

/** A checked policy: diagnostics first (the editor waits for them), views on request. */
export interface Checked {
  findings: Findings;
  views(request: ExplainRequest): Views;
}

export async function checkEditorText(text: string): Promise<Checked> {
  const { model, diagnostics } = await checkPolicy(POLICY_PATH, { cwd: PLAYGROUND_DIR, readText: readEditorText(text) });
  const inEditor = diagnostics.filter((d) => d.file === POLICY_FILE);
  // A policy the language rejects has no meaning to compile, explain or draw; lint findings
  // do not stop them (`explain` explains a policy with lint errors as written, and says so).
  const compiles = !diagnostics.some((d) => d.ruleId === SYNTAX || d.ruleId === SEMANTIC);
  const findings: Findings = {
    diagnostics: inEditor.map((d) => ({
      ruleId: d.ruleId,
      severity: d.severity,
      message: d.message,
      from: d.range.start.offset,
      to: d.range.end.offset,
      ...(d.fix ? { fix: { description: d.fix.description, changes: d.fix.edits.map((e) => ({ from: e.range.start.offset, to: e.range.end.offset, insert: e.newText })) } } : {}),
    })),
    servers: compiles ? model.config.servers.map((s) => s.name) : [],
  };
  return { findings, views: (request) => (compiles ? views(model, text, request) : { json: null, explanation: ['The policy has errors of the language (see the problems): nothing to compile, explain or draw.'], svg: null }) };
}

function views(model: PolicyModel, text: string, request: ExplainRequest): Views {
  const config = model.config;
  const svg = config.servers.length === 0 ? null : policySvg(config, new SideTexts(new Map([[POLICY_FILE, text]]))).replace(/^<\?xml[^>]*>\n/, '');
  return { json: emitConfig(config), explanation: explain(model, request), svg };
}

function explain(model: PolicyModel, request: ExplainRequest): string[] {
  const policy = compilePolicy(model.config);
  const server = policy.server(request.server) ?? policy.servers[0];
  if (server === undefined) return ['The policy declares no server: nothing to explain.'];
  const client = request.client.trim().replace(/^\[|\]$/g, '');
  if (parseAddress(client) === undefined) return [`'${request.client}' is not an IP address.`];
  const rcpt = request.rcpt.trim();
  if (rcpt === '') return ['Type a recipient address to explain.'];
  const explanation = explainClient(
    server,
    { peerAddress: client },
    // The page asks about a plain client: no reverse DNS name, no TLS, not logged in. The
    // mailbox lists are files, which the browser does not read: a recipient only they could
    // confirm is explained as undecided, as `explain` does where it cannot read them.
    { reverseDns: { status: 'none' }, tls: null, user: null, mailFrom: 'sender@example.invalid', rcptTo: rcpt },
  );
  return [`server ${server.config.name}, client ${client}, RCPT TO:<${rcpt}>`, ...explanationLines(explanation)];
}
