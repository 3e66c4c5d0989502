// compile --target postfix, proven on a real Postfix with smtppolicy verify (prove.ts): what
// neither the examples nor the generated policies (generated-policies.test.ts, one server
// each) show on loopback: two servers side by side, direct delivery with a route
// (../hand-written-policies.ts, which the OpenSMTPD proof runs too).
import { configOfText } from '../policy-config.js';
import { provePolicies } from './prove.js';
import { HAND_WRITTEN_POLICIES } from '../hand-written-policies.js';

provePolicies('two servers, direct delivery and a route, on a real Postfix', Object.fromEntries(Object.entries(HAND_WRITTEN_POLICIES).map(([title, text]) => [title, () => configOfText(text)])));
