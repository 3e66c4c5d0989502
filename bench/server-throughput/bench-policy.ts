// The policy both server benchmarks run, so that our throughput figures and the Postfix
// comparison measure the same thing: a connection list of 200 ranges (none matching the
// loopback clients, so the decision is not trivially cheap), relay by address, no TLS or AUTH.

export function benchPolicyText(relayNetworks: string): string {
  const excluded = Array.from({ length: 200 }, (_, i) => `    198.51.${i >> 4}.${(i & 15) * 16}/28`).join('\n');
  return `storage {
  spool "spool"
  maildir "mail"
}

server bench {
  listen 127.0.0.1:2525
  hostname mx.bench.example
  connections except {
${excluded}
  }
  relay { ${relayNetworks} }
  local-domains bench.example
  limits {
    connections 4000
    connections-per-address 1000
    greeting-delay 0s
  }
}
`;
}
