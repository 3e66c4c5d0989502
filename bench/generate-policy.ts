// Generates valid policies of a chosen size for benchmarks: lists of addresses and
// domains, and servers that use them, in the proportions of a large real deployment.

export function generatePolicy(targetLines: number): string {
  const out: string[] = ['# generated benchmark policy', 'resolver { servers 127.0.0.1:53  reverse-zone 10.in-addr.arpa }', 'users staff file "staff.passwd"', ''];
  let list = 0;
  let server = 0;
  while (out.length < targetLines) {
    // One list of 40 entries, then every fourth list a server that uses the last four.
    out.push(`list l${list} {`);
    for (let i = 0; i < 40; i++) {
      const n = list * 40 + i;
      out.push(i % 10 === 9 ? `  domain host${n}.branch.example.com` : `  10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`);
    }
    out.push('}', '');
    list++;
    if (list % 4 === 0) {
      out.push(
        `server s${server} {`,
        `  listen 10.${server >> 8 & 255}.${server & 255}.1:587`,
        `  hostname s${server}.example.com`,
        '  tls { certificate "mail.pem"  key "mail.key"  require }',
        `  connections only { @l${list - 1}  @l${list - 2} }`,
        '  auth { basic users staff }',
        `  relay { authenticated  @l${list - 3} }`,
        '  local-domains example.com',
        '}',
        '',
      );
      server++;
    }
  }
  return `${out.join('\n')}\n`;
}
