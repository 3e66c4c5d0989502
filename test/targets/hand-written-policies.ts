// Policies both proofs (Postfix and OpenSMTPD) run because the generator cannot make them
// (generated-policies.ts makes one server that holds its relayed mail): two servers side by
// side, direct delivery with a route.

/** Written by hand: the generator makes one server that holds its relayed mail. */
export const HAND_WRITTEN_POLICIES: Record<string, string> = {
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
  'allow-list, a recipient list, two servers with TLS required on one': `server inbound {
  listen 127.0.0.1:2525
  hostname mx.example.test
  local-domains example.test
  recipients example.test {
    alias "info" to "postmaster"
  }
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
