// compile --target postfix, proven on a real Postfix with smtppolicy verify (prove.ts):
// the examples built on connection lists and relay grants.
import { configOf } from '../policy-config.js';
import { provePolicies } from './prove.js';

provePolicies('examples with connection lists and relay grants, on a real Postfix', {
  'examples/internal-challenge-response.smtppolicy': () => configOf('examples/internal-challenge-response.smtppolicy'),
  'examples/partner-relay.smtppolicy': () => configOf('examples/partner-relay.smtppolicy'),
  'examples/domain-connection-control.smtppolicy': () => configOf('examples/domain-connection-control.smtppolicy'),
});
