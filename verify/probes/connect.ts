// Connection control (the article's verification step 1): from a source inside or outside
// the lists, the greeting is a 220 or a refusal, as decideConnect says for that address.
import { decideConnect } from '../../runtime/policy/index.js';
import { endpointId, hostPort, type ProbeEndpoint } from '../endpoints.js';
import { decidingSource, describeDecision, replyMatches } from '../expectations.js';
import { verdict, type Probe } from '../probe.js';
import { SmtpSessionError, type SmtpResponse } from '../smtp-client.js';
import { describeResponse } from '../smtp-steps.js';
import type { SourcePick } from '../source-addresses.js';

export function connectProbe(endpoint: ProbeEndpoint, pick: SourcePick | undefined): Probe {
  const { config } = endpoint.server;
  const from = pick ? `${pick.address} (${pick.why})` : 'the address the system chooses';
  return {
    id: `${endpointId(config, endpoint.listen)}/connect/${pick?.address ?? 'default'}`,
    title: `connection control at ${hostPort(endpoint.host, endpoint.port)} for a client from ${from}`,
    source: config.connections.source ?? config.source,
    async run(sessions) {
      let greeting: SmtpResponse | null;
      let clientAddress = pick?.address;
      try {
        const client = await sessions.connect(endpoint, pick?.address);
        clientAddress = client.localAddress;
        greeting = await client.readResponse();
      } catch (error) {
        // Closed before (or instead of) a greeting: refused, as a firewall would. Anything
        // else (nothing listening, a timeout) is a failure of the probe, not a refusal.
        const closed = error instanceof SmtpSessionError &&
          (error.kind === 'closed' || (error.kind === 'tls' && error.code === 'ECONNRESET') || error.code === 'ECONNRESET');
        if (!closed || clientAddress === undefined) throw error;
        greeting = null;
      }
      const decision = decideConnect(endpoint.server, await sessions.context.facts(endpoint.server, clientAddress));
      return verdict(replyMatches(decision, greeting), describeDecision(decision), `greeting: ${describeResponse(greeting)}`, decidingSource(decision));
    },
  };
}
