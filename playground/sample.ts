// The policy the page opens with when its link carries none: an inbound server for one
// domain that relays for nobody, small enough to read at a glance and lint-clean, so the
// first thing a visitor sees is a policy that passes and a map of who may connect.
export const SAMPLE_POLICY = `# Inbound mail for example.test. Edit me: findings appear as you type.
server inbound {
  listen 0.0.0.0:25
  hostname mx.example.test
  connections except {
    192.0.2.0/24 # a network that sends only spam
  }
  local-domains example.test
  recipients example.test {
    catch-all
  }
  relay { 10.0.0.0/8 } # the office may send out
}
`;
