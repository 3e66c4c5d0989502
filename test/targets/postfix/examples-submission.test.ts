// compile --target postfix, proven on a real Postfix with smtppolicy verify (prove.ts):
// the examples with logins and TLS required.
import { configOf } from '../policy-config.js';
import { provePolicies } from './prove.js';

provePolicies('examples with logins, on a real Postfix', {
  'examples/submission-server.smtppolicy': () => configOf('examples/submission-server.smtppolicy'),
  'examples/quickstart.smtppolicy': () => configOf('examples/quickstart.smtppolicy'),
});
