// Broken inputs and the exact diagnostics a user sees: line, column and message.
// Every message names what was expected and what was found, in the user's terms.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from '../../grammar/index.js';

type Expected = [line: number, column: number, message: string];

const CASES: Array<[input: string, expected: Expected[]]> = [
    ["server a {\n  listen 0.0.0.0:25\n", [
      [3, 1, "expected '}' to close the server block opened at line 1, found end of file"],
    ]],
    ["server a {\n  tls {\n    certificate \"x\"\n", [
      [4, 1, "expected '}' to close the tls block opened at line 2 (and the server block opened at line 1), found end of file"],
    ]],
    ["server a {\n  foo\n}\n", [
      [2, 3, "expected a server setting (listen, hostname, banner, tls, connections, auth, relay, local-domains, recipients, relay-to, route, limits, proxy-protocol, gateways, allow-bare-newlines), found 'foo'"],
    ]],
    ["server a {\n  tls {\n    certificate \"c.pem\"\n  hostname mail.example.com\n}\n", [
      [4, 3, "expected '}' to close the tls block opened at line 2, found 'hostname'"],
    ]],
    ["list { 10.0.0.0/8 }\n", [
      [1, 6, "expected a list name after 'list', found '{'"],
    ]],
    ["server { listen 0.0.0.0:25 }\n", [
      [1, 8, "expected a server name after 'server', found '{'"],
    ]],
    ["users file \"users.passwd\"\n", [
      [1, 7, "expected a user store name after 'users', found 'file'"],
    ]],
    ["list server { 10.0.0.1 }\n", [
      [1, 6, "'server' is a keyword and cannot be a list name: choose another name"],
    ]],
    ["server mail.example { }\n", [
      [1, 8, "expected a server name (a letter, then letters, digits, '_' or '-'), found 'mail.example'"],
    ]],
    ["list a { 10.0.0.0/33 }\n", [
      [1, 19, "expected a CIDR range like 10.0.0.0/8, an address, or a domain name, found '10.0.0.0/33': an IPv4 prefix length is at most 32"],
    ]],
    ["list a { 2001:db8::/129 }\n", [
      [1, 21, "expected a CIDR range like 10.0.0.0/8, an address, or a domain name, found '2001:db8::/129': an IPv6 prefix length is at most 128"],
    ]],
    ["list a { 10.0.0.300 }\n", [
      [1, 10, "expected a CIDR range like 10.0.0.0/8, an address, or a domain name, found '10.0.0.300'"],
    ]],
    ["list a { 192.168.1.0 mask 255.0.255.0 }\n", [
      [1, 27, "'255.0.255.0' is not a valid netmask: its one-bits are not contiguous"],
    ]],
    ["list a { 192.168.1.0 mask 255.255.255.256 }\n", [
      [1, 27, "expected a netmask like 255.255.255.0, found '255.255.255.256'"],
    ]],
    ["list a { 2001:db8:: mask 255.255.0.0 }\n", [
      [1, 10, "a netmask applies to IPv4 addresses only: write the IPv6 range with a prefix, like 2001:db8::/64"],
    ]],
    ["list a { partner.example }\n", [
      [1, 10, "expected a CIDR range like 10.0.0.0/8, an address, or a domain name, found 'partner.example': a domain name entry is written 'domain partner.example'"],
    ]],
    ["list a { @9lives }\n", [
      [1, 10, "expected a list name after '@' (a letter, then letters, digits, '_' or '-'), found '@9lives'"],
    ]],
    ["list a { domain 10.0.0.1 }\n", [
      [1, 17, "expected a domain name like partner.example, found '10.0.0.1': that is an address, not a domain name"],
    ]],
    ["server a { listen 0.0.0.0:70000 }\n", [
      [1, 27, "expected a port between 1 and 65535, found '70000'"],
    ]],
    ["server a { listen 0.0.0.0 }\n", [
      [1, 19, "expected a listen address like 0.0.0.0:25 or [::]:587, found '0.0.0.0': a port is required, like 0.0.0.0:25"],
    ]],
    ["server a { listen ::1:25 }\n", [
      [1, 19, "expected a listen address like 0.0.0.0:25 or [::]:587, found '::1:25': an IPv6 address and its port are written [ADDRESS]:PORT, like [::1]:25"],
    ]],
    ["server a { limits { session-timeout 5 } }\n", [
      [1, 37, "expected a duration like 30s, 5m or 1h, found '5': add a unit (ms, s, m, h or d)"],
    ]],
    ["server a { limits { message-size 25XB } }\n", [
      [1, 34, "expected a size like 25MB, found '25XB': units are KB, MB and GB (1024-based, also written KiB, MiB, GiB) or none for bytes"],
    ]],
    ["server a { limits { recipients 0 } }\n", [
      [1, 32, "expected a number like 100, found '0': the smallest allowed is 1"],
    ]],
    ["resolver { timeout soon }\n", [
      [1, 20, "expected a duration like 30s, 5m or 1h, found 'soon'"],
    ]],
    ["include \"common.smtppolicy\nserver a {}\n", [
      [1, 9, "unterminated string: add '\"' before the end of the line"],
    ]],
    ["storage { spool \"var\\tspool\" }\n", [
      [1, 21, "unknown escape '\\t' in a string: only \\\" and \\\\ are escapes"],
    ]],
    ["}\nserver a {}\n", [
      [1, 1, "unexpected '}': no block is open here"],
    ]],
    ["server a {\n  listen 0.0.0.0:587 [::]:587\n}\n", [
      [2, 22, "expected ',' between list values, found '[::]:587'"],
    ]],
    ["server a { local-domains a.example b.example }\n", [
      [1, 36, "expected ',' between list values, found 'b.example'"],
    ]],
    ["server a { local-domains a.example, }\n", [
      [1, 37, "expected a domain name like example.com after ',', found '}'"],
    ]],
    ["server a { hostname }\n", [
      [1, 21, "expected a host name like mail.example.com after 'hostname', found '}'"],
    ]],
    ["server a { hostname mail }\n", [
      [1, 21, "expected a fully-qualified host name like mail.example.com, found 'mail': a fully-qualified name has at least two labels, like mail.example.com"],
    ]],
    ["server a { hostname 10.0.0.1 }\n", [
      [1, 21, "expected a fully-qualified host name like mail.example.com, found '10.0.0.1': that is an address, not a domain name"],
    ]],
    ["server a { connections { 10.0.0.0/8 } }\n", [
      [1, 24, "expected 'only' (an allow-list) or 'except' (a deny-list) after 'connections', found '{'"],
    ]],
    ["server a { relay-to somewhere }\n", [
      [1, 21, "expected 'direct', 'smarthost HOST:PORT' or 'hold' after 'relay-to', found 'somewhere'"],
    ]],
    ["server a { relay-to smarthost { user \"x\" } }\n", [
      [1, 31, "expected a smart host address like smtp.isp.example:587 after 'smarthost', found '{'"],
    ]],
    ["server a { relay-to smarthost smtp.isp.example }\n", [
      [1, 31, "expected a smart host address like smtp.isp.example:587, found 'smtp.isp.example': a port is required, like smtp.isp.example:25"],
    ]],
    ["server a { relay-to smarthost smtp.isp.example:587 { tls user \"x\" } }\n", [
      [1, 58, "expected 'require', 'optional' or 'none' after 'tls', found 'user'"],
    ]],
    ["server a { relay-to smarthost smtp.isp.example:587 { password \"hunter2\" } }\n", [
      [1, 63, "expected 'env NAME' or 'file \"PATH\"' (never the password itself) after 'password', found '\"hunter2\"'"],
    ]],
    ["server a { relay-to smarthost smtp.isp.example:587 { password env 9LIVES } }\n", [
      [1, 67, "expected an environment variable name like RELAY_PASSWORD (letters, digits and '_'), found '9LIVES'"],
    ]],
    ["server a { tls { min-version 1.4 } }\n", [
      [1, 30, "expected a TLS version (1.0, 1.1, 1.2 or 1.3), found '1.4'"],
    ]],
    ["server a { tls { min-cipher-bits 0 } }\n", [
      [1, 34, "expected a number of bits like 128, found '0': the smallest allowed is 1"],
    ]],
    ["server a { tls { sni other { certificate \"o.pem\" } } }\n", [
      [1, 22, "expected a fully-qualified host name like other.example.com, found 'other': a fully-qualified name has at least two labels, like mail.example.com"],
    ]],
    ["server a { auth { anonymous users staff } }\n", [
      [1, 29, "'anonymous' takes no user store: anonymous clients do not log in"],
    ]],
    ["server a { auth { basic users } }\n", [
      [1, 31, "expected a user store name after 'users', found '}'"],
    ]],
    ["listen 0.0.0.0:25\n", [
      [1, 1, "expected a top-level declaration (include, resolver, storage, admin, state, users, list, server), found 'listen': 'listen' belongs in a server block or an admin block"],
    ]],
    ["server a ; { }\n", [
      [1, 10, "unexpected character ';': settings need no terminator"],
    ]],
    ["server a { relay { everyone } }\n", [
      [1, 20, "expected a relay grant (authenticated, anyone, an address, a CIDR range, ADDRESS mask NETMASK, domain NAME or @list), found 'everyone'"],
    ]],
    ["admin { listen 127.0.0.1:9725  hostname mail.example.com }\n", [
      [1, 32, "expected an admin setting (listen), found 'hostname': 'hostname' belongs in a server block"],
    ]],
    ["resolver { reverse-zone example.com }\n", [
      [1, 25, "expected a reverse zone like 10.in-addr.arpa, found 'example.com': reverse zones end in in-addr.arpa or ip6.arpa"],
    ]],
    ["resolver { servers 10.0.0.53:0 }\n", [
      [1, 30, "expected a port between 1 and 65535, found '0'"],
    ]],
    ["server a { limits { max-ttl 1h } }\n", [
      [1, 21, "expected a limit (message-size, recipients, connections, connections-per-address, session-timeout, data-timeout, idle-timeout, greeting-delay, auth-failures, auth-failure-window, connection-rate-per-address|network, message-rate-per-address|network|user, recipient-rate-per-address|network|user), found 'max-ttl': 'max-ttl' belongs in a resolver cache block"],
    ]],
    ["users staff\nlist a { }\n", [
      [2, 1, "expected 'file' or 'ldap', found 'list'"],
    ]],
    // a directory's bind password is never written in the policy: the error points to env and file
    ['users staff ldap "ldaps://dc.example.test" {\n  base "dc=x"\n  bind-dn "cn=smtp"\n  bind-password "hunter2"\n}\n', [
      [4, 17, "expected 'env NAME' or 'file \"PATH\"' (never the password itself) after 'bind-password', found '\"hunter2\"'"],
    ]],
    ['users staff ldap {\n  base "dc=x"\n}\n', [
      [1, 18, "expected the directory's URL like \"ldaps://dc.example.com:636\" after 'ldap', found '{'"],
    ]],
    ["server a {\n  hostnme mail.example.com\n  listen 0.0.0.0:99999\n}\nlist b { 10.0.0.0/40 }\nserver c { relay-to nowhere }\n", [
      [2, 3, "expected a server setting (listen, hostname, banner, tls, connections, auth, relay, local-domains, recipients, relay-to, route, limits, proxy-protocol, gateways, allow-bare-newlines), found 'hostnme'"],
      [3, 18, "expected a port between 1 and 65535, found '99999'"],
      [5, 19, "expected a CIDR range like 10.0.0.0/8, an address, or a domain name, found '10.0.0.0/40': an IPv4 prefix length is at most 32"],
      [6, 21, "expected 'direct', 'smarthost HOST:PORT' or 'hold' after 'relay-to', found 'nowhere'"],
    ]],
];

describe('syntax and value errors', () => {
  it('has a table of at least 40 broken inputs', () => {
    assert.ok(CASES.length >= 40, `only ${CASES.length} cases`);
  });

  for (const [input, expected] of CASES) {
    it(`reports ${JSON.stringify(input.length > 60 ? `${input.slice(0, 60)}…` : input)}`, () => {
      const { diagnostics } = parse(input, 'policy.smtppolicy');
      const actual = diagnostics.map((d): Expected => [d.range.start.line, d.range.start.column, d.message]);
      assert.deepEqual(actual, expected);
      for (const d of diagnostics) {
        assert.equal(d.file, 'policy.smtppolicy');
        assert.equal(d.severity, 'error');
        assert.ok(d.ruleId === 'syntax' || d.ruleId === 'semantic', d.ruleId);
      }
    });
  }

  it('uses ruleId syntax for grammar errors and semantic for invalid values', () => {
    const { diagnostics } = parse('server a {\n  foo\n  listen 0.0.0.0:70000\n}\n', 'p');
    assert.deepEqual(
      diagnostics.map((d) => d.ruleId),
      ['syntax', 'semantic'],
    );
  });

  it('gives the exact range of the value, or of its faulty part', () => {
    const text = 'server a { listen 0.0.0.0:70000 }\nlist b { 10.0.0.0/33 }\n';
    const [port, prefix] = parse(text, 'p').diagnostics;
    assert.ok(port && prefix);
    // The port alone: `70000`.
    assert.equal(text.slice(port.range.start.offset, port.range.end.offset), '70000');
    assert.deepEqual(port.range.end, { offset: 31, line: 1, column: 32 });
    // The prefix length alone: `33`.
    assert.equal(text.slice(prefix.range.start.offset, prefix.range.end.offset), '33');
    assert.equal(prefix.range.start.line, 2);
  });

  it('points "end of file" errors at the end of the text', () => {
    const text = 'server a {\r\n  listen 0.0.0.0:25';
    const [d] = parse(text, 'p').diagnostics;
    assert.ok(d);
    assert.deepEqual({ start: d.range.start, end: d.range.end }, {
      start: { offset: text.length, line: 2, column: 20 },
      end: { offset: text.length, line: 2, column: 20 },
    });
  });

  it('keeps the rest of the file after an error', () => {
    const { ast, diagnostics } = parse('server a { foo }\nserver b { hostname mail.example.com }\n', 'p');
    assert.equal(diagnostics.length, 1);
    assert.deepEqual(
      ast.items.map((i) => (i.kind === 'Server' ? i.name?.text : i.kind)),
      ['a', 'b'],
    );
    const b = ast.items[1];
    assert.ok(b?.kind === 'Server');
    assert.equal(b.settings[0]?.kind, 'Hostname');
  });

  it('reports a run of unexpected characters once', () => {
    const { diagnostics } = parse('server a { $$$$ }\n', 'p');
    assert.deepEqual(
      diagnostics.map((d) => [d.range.start.column, d.range.end.column, d.message]),
      [[12, 16, "unexpected characters '$$$$'"]],
    );
  });
});
