// compile --target postfix, proven on a real Postfix with smtppolicy verify (prove.ts): policies
// made to reach what the examples cannot show on loopback (a relay grant and a deny-list entry
// on loopback addresses, an allow-list, no TLS, optional TLS with basic auth only, anonymous
// mail off, two servers, direct delivery with a route and a catch-all).
import { configOfText } from '../policy-config.js';
import { provePolicies } from './prove.js';

/** Policies for what the examples cannot show on loopback: grants and lists the probes can reach. */
const POLICIES: Record<string, string> = {
  'relay grant and deny-list on loopback, no TLS': `server mx {
  listen 127.0.0.1:2525
  hostname mx.example.test
  connections except { 127.0.0.66 }
  relay { 127.0.0.5, 127.0.0.6 }
  local-domains example.test
}
`,
  'allow-list, optional TLS, anonymous mail off': `users u file "u.passwd"
server submission {
  listen 127.0.0.1:2587
  hostname mail.example.test
  tls {
    certificate "c.pem" # smtppolicy-ignore certificate-not-found -- the test's certificate replaces it
    key "c.key"
    optional
  }
  connections only { 127.0.0.0/26 }
  auth { basic users u }
  relay { authenticated }
  local-domains example.test
}
`,
  'direct delivery, a route and a catch-all domain beside a recipient list': `server mx {
  listen 127.0.0.1:2525
  hostname mx.example.test
  local-domains example.test, catch.example.test
  recipients example.test {
    alias "info" to "postmaster"
  }
  recipients catch.example.test {
    catch-all
  }
  relay { 127.0.0.5 }
  relay-to direct
  route partner.example 127.0.0.1:9
}
`,
  'two servers, TLS required on one': `server inbound {
  listen 127.0.0.1:2525
  hostname mx.example.test
  local-domains example.test
  relay {}
}
server internal {
  listen 127.0.0.1:2526
  hostname internal.example.test
  tls {
    certificate "c.pem" # smtppolicy-ignore certificate-not-found -- the test's certificate replaces it
    key "c.key"
    require
  }
  connections only { 127.0.0.0/28 }
  relay { 127.0.0.2 }
  local-domains example.test
}
`,
};

provePolicies('policies that reach the lists from loopback, on a real Postfix', Object.fromEntries(Object.entries(POLICIES).map(([title, text]) => [title, () => configOfText(text)])));
