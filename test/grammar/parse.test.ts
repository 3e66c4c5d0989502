// Every construct of the language parses to the expected tree: kinds, parsed values,
// normalised addresses, ranges of keywords and values, and comments in order.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from '../../grammar/index.js';
import type * as Ast from '../../grammar/ast.js';
import { childrenOf } from '../../grammar/ast-walk.js';

const COMPLETE = readFileSync(new URL('./fixtures/complete.smtppolicy', import.meta.url), 'utf8');

function only<K extends Ast.AnyNode['kind']>(nodes: readonly Ast.AnyNode[], kind: K): Extract<Ast.AnyNode, { kind: K }>[] {
  return nodes.filter((n): n is Extract<Ast.AnyNode, { kind: K }> => n.kind === kind);
}

function one<K extends Ast.AnyNode['kind']>(nodes: readonly Ast.AnyNode[], kind: K): Extract<Ast.AnyNode, { kind: K }> {
  const found = only(nodes, kind);
  assert.equal(found.length, 1, `expected one ${kind}, found ${found.length}`);
  return found[0] as Extract<Ast.AnyNode, { kind: K }>;
}

/** The source text a range covers. */
function textAt(text: string, range: Ast.Range): string {
  return text.slice(range.start.offset, range.end.offset);
}

function parseClean(text: string): Ast.PolicyFile {
  const { ast, diagnostics } = parse(text, 'test.smtppolicy');
  assert.deepEqual(diagnostics, []);
  return ast;
}

describe('the complete example from the language reference', () => {
  const ast = parseClean(COMPLETE);

  it('has every top-level item, in order', () => {
    assert.deepEqual(
      ast.items.map((i) => i.kind),
      ['Include', 'Resolver', 'Storage', 'Admin', 'UserStore', 'List', 'Server'],
    );
    assert.deepEqual({ start: ast.range.start, end: ast.range.end }, {
      start: { offset: 0, line: 1, column: 1 },
      end: { offset: COMPLETE.length, line: COMPLETE.split('\n').length, column: 1 },
    });
  });

  it('keeps every comment, in text order, with its range', () => {
    assert.equal(ast.comments.length, 17);
    assert.equal(ast.comments[0]?.text, '# comments anywhere, to end of line');
    assert.deepEqual(ast.comments[0]?.range.start, { offset: 0, line: 1, column: 1 });
    assert.equal(ast.comments[1]?.text, '# path relative to this file');
    for (let i = 1; i < ast.comments.length; i++) {
      assert.ok((ast.comments[i - 1] as Ast.Comment).range.end.offset < (ast.comments[i] as Ast.Comment).range.start.offset);
    }
    for (const comment of ast.comments) assert.equal(textAt(COMPLETE, comment.range), comment.text);
  });

  it('reads include and the resolver', () => {
    const include = one(ast.items, 'Include');
    assert.equal(include.path?.value, 'common.smtppolicy');
    assert.equal(include.path?.raw, '"common.smtppolicy"');
    assert.equal(textAt(COMPLETE, include.range), 'include "common.smtppolicy"');

    const resolver = one(ast.items, 'Resolver');
    const servers = one(resolver.settings, 'ResolverServers');
    assert.deepEqual(
      servers.endpoints.map((e) => e.value),
      [
        { host: '10.0.0.53', family: 4, port: null },
        { host: '127.0.0.1', family: 4, port: 5353 },
      ],
    );
    assert.equal(one(resolver.settings, 'ResolverTimeout').value?.value, 2000);
    assert.deepEqual(
      one(resolver.settings, 'ReverseZone').zones.map((z) => z.value),
      ['10.in-addr.arpa', '113.0.203.in-addr.arpa'],
    );
    const cache = one(resolver.settings, 'ResolverCache');
    assert.deepEqual(
      cache.settings.map((s) => [s.name, s.value?.kind, s.value?.value]),
      [
        ['max-ttl', 'Duration', 3_600_000],
        ['negative-ttl', 'Duration', 300_000],
        ['entries', 'Integer', 10_000],
      ],
    );
  });

  it('reads storage, admin and the user store', () => {
    const storage = one(ast.items, 'Storage');
    assert.deepEqual(
      storage.settings.map((s) => [s.name, s.path?.value]),
      [
        ['spool', 'var/spool'],
        ['maildir', 'var/mail'],
      ],
    );
    const admin = one(ast.items, 'Admin');
    assert.deepEqual(admin.listen[0]?.endpoints[0]?.address.value, { host: '127.0.0.1', family: 4, port: 9725 });

    const users = one(ast.items, 'UserStore');
    assert.equal(users.name?.text, 'staff');
    assert.equal(users.file?.value, 'users.passwd');
    assert.equal(textAt(COMPLETE, users.keyword.range), 'users');
    assert.equal(textAt(COMPLETE, (users.name as Ast.Name).range), 'staff');
  });

  it('reads the four kinds of list entry', () => {
    const list = one(ast.items, 'List');
    assert.equal(list.name?.text, 'partners');
    assert.deepEqual(
      list.entries.map((e) => e.kind),
      ['Cidr', 'Cidr', 'Domain', 'Mask', 'ListRef'],
    );
    const [range, single, domain, mask, ref] = list.entries as [Ast.CidrEntry, Ast.CidrEntry, Ast.DomainEntry, Ast.MaskEntry, Ast.ListRef];
    assert.deepEqual(range.value, { family: 4, address: '203.0.113.0', network: '203.0.113.0', prefix: 24, single: false });
    assert.deepEqual(single.value, { family: 4, address: '198.51.100.7', network: '198.51.100.7', prefix: 32, single: true });
    assert.equal(domain.domain?.value, 'partner.example');
    assert.equal(textAt(COMPLETE, domain.range), 'domain partner.example');
    // One node for the entry (grammar/domain-entry-node.ts): its parts are made when read,
    // and the walks and JSON see them as the fields of a plain entry.
    assert.equal(textAt(COMPLETE, domain.keyword.range), 'domain');
    assert.equal(textAt(COMPLETE, domain.domain!.range), 'partner.example');
    assert.deepEqual(
      childrenOf(domain).map((child) => [child.kind, textAt(COMPLETE, child.range)]),
      [
        ['Keyword', 'domain'],
        ['DomainValue', 'partner.example'],
      ],
    );
    assert.deepEqual(Object.keys(JSON.parse(JSON.stringify(domain))), ['kind', 'keyword', 'range', 'domain']);
    assert.deepEqual(mask.value, { family: 4, address: '192.168.1.0', network: '192.168.1.0', prefix: 24, single: false });
    assert.equal(textAt(COMPLETE, mask.range), '192.168.1.0 mask 255.255.255.0');
    assert.equal(mask.mask?.text, '255.255.255.0');
    assert.equal(ref.name, 'other-list');
    assert.equal(textAt(COMPLETE, ref.range), '@other-list');
    assert.equal(textAt(COMPLETE, ref.nameRange), 'other-list');
  });

  it('reads every server setting', () => {
    const server = one(ast.items, 'Server');
    assert.equal(server.name?.text, 'submission');
    assert.deepEqual(
      server.settings.map((s) => s.kind),
      [
        'Listen',
        'Listen',
        'Hostname',
        'Tls',
        'Connections',
        'Auth',
        'Relay',
        'LocalDomains',
        'RelayTo',
        'Limits',
        'ProxyProtocol',
        'AllowBareNewlines',
      ],
    );
    const [plain, implicit] = only(server.settings, 'Listen');
    assert.deepEqual(
      plain?.endpoints.map((e) => [e.address.value, e.implicitTls?.text]),
      [
        [{ host: '0.0.0.0', family: 4, port: 587 }, undefined],
        [{ host: '::', family: 6, port: 587 }, undefined],
      ],
    );
    assert.equal(implicit?.endpoints[0]?.implicitTls?.text, 'implicit-tls');
    assert.equal(textAt(COMPLETE, (implicit?.endpoints[0] as Ast.ListenEndpoint).range), '0.0.0.0:465 implicit-tls');

    const hostname = one(server.settings, 'Hostname');
    assert.equal(hostname.value?.value, 'mail.contoso.example');
    assert.deepEqual(hostname.keyword.range.start, { offset: COMPLETE.indexOf('hostname mail'), line: 21, column: 3 });
  });

  it('reads the tls block', () => {
    const tls = one(one(ast.items, 'Server').settings, 'Tls');
    assert.deepEqual(
      tls.settings.map((s) => s.kind),
      ['TlsFile', 'TlsFile', 'TlsMode', 'TlsMinVersion', 'TlsMinCipherBits', 'TlsSni'],
    );
    const files = only(tls.settings, 'TlsFile');
    assert.deepEqual(
      files.map((f) => [f.name, f.path?.value]),
      [
        ['certificate', 'certs/mail.pem'],
        ['key', 'certs/mail.key'],
      ],
    );
    assert.equal(one(tls.settings, 'TlsMode').mode, 'require');
    assert.equal(one(tls.settings, 'TlsMinVersion').value?.value, '1.2');
    assert.equal(one(tls.settings, 'TlsMinCipherBits').value?.value, 128);
    const sni = one(tls.settings, 'TlsSni');
    assert.equal(sni.hostname?.value, 'other.contoso.example');
    assert.deepEqual(
      sni.files.map((f) => [f.name, f.path?.value]),
      [
        ['certificate', 'certs/other.pem'],
        ['key', 'certs/other.key'],
      ],
    );
  });

  it('reads connections, auth and relay', () => {
    const server = one(ast.items, 'Server');
    const connections = one(server.settings, 'Connections');
    assert.equal(connections.mode?.value, 'only');
    assert.deepEqual(
      connections.entries.map((e) => e.kind),
      ['Cidr', 'ListRef'],
    );

    const auth = one(server.settings, 'Auth');
    assert.deepEqual(
      auth.settings.map((s) => (s.kind === 'AuthMethod' ? [s.method, s.users?.name?.text] : [s.kind])),
      [['basic', 'staff'], ['challenge-response', 'staff'], ['token', 'staff'], ['anonymous', undefined], ['AuthSenderMatch']],
    );

    const relay = one(server.settings, 'Relay');
    assert.deepEqual(
      relay.entries.map((e) => e.kind),
      ['Authenticated', 'Cidr', 'Domain', 'ListRef'],
    );
    assert.deepEqual(
      one(server.settings, 'LocalDomains').domains.map((d) => d.value),
      ['contoso.example', 'example.test'],
    );
  });

  it('reads relay-to, limits and proxy-protocol', () => {
    const server = one(ast.items, 'Server');
    const relayTo = one(server.settings, 'RelayTo');
    assert.equal(relayTo.target?.kind, 'Smarthost');
    const target = relayTo.target as Extract<NonNullable<Ast.RelayTo['target']>, { kind: 'Smarthost' }>;
    assert.deepEqual(target.address?.value, { host: 'smtp.isp.example', family: 'name', port: 587 });
    assert.equal(textAt(COMPLETE, (target.address as Ast.HostPort).range), '"smtp.isp.example:587"');
    const tls = one(target.settings, 'SmarthostTls');
    assert.equal(tls.mode?.value, 'require');
    assert.equal(tls.noVerify, undefined);
    assert.equal(one(target.settings, 'SmarthostUser').value?.value, 'relay');
    const password = one(target.settings, 'SmarthostPassword');
    assert.equal(password.source?.kind, 'Env');
    assert.equal(password.source?.kind === 'Env' ? password.source.variable?.text : undefined, 'RELAY_PASSWORD');

    const limits = one(server.settings, 'Limits');
    assert.deepEqual(
      limits.settings.map((s) => [s.name, s.value?.kind, s.value?.value]),
      [
        ['message-size', 'Size', 25 * 1024 * 1024],
        ['recipients', 'Integer', 100],
        ['connections', 'Integer', 200],
        ['connections-per-address', 'Integer', 20],
        ['session-timeout', 'Duration', 30 * 60_000],
        ['data-timeout', 'Duration', 10 * 60_000],
        ['idle-timeout', 'Duration', 5 * 60_000],
        ['greeting-delay', 'Duration', 0],
        ['auth-failures', 'Integer', 5],
        ['auth-failure-window', 'Duration', 15 * 60_000],
      ],
    );
    const proxy = one(server.settings, 'ProxyProtocol');
    assert.deepEqual((proxy.entries[0] as Ast.CidrEntry).value?.address, '10.0.0.10');
    assert.equal(one(server.settings, 'AllowBareNewlines').keyword.text, 'allow-bare-newlines');
  });
});

describe('the alternative spellings', () => {
  it('reads relay-to hold, an unquoted smart host, tls modes, no-verify and password file', () => {
    const ast = parseClean(`
      server a { relay-to hold }
      server b {
        relay-to smarthost smtp.isp.example:587 { tls optional no-verify  password file "/run/secrets/relay" }
      }
      server c { relay-to smarthost [2001:DB8::1]:25 { tls none } }
    `);
    const [a, b, c] = ast.items as [Ast.ServerDecl, Ast.ServerDecl, Ast.ServerDecl];
    assert.equal(one(a.settings, 'RelayTo').target?.kind, 'Hold');

    const target = one(b.settings, 'RelayTo').target;
    assert.ok(target?.kind === 'Smarthost');
    assert.deepEqual(target.address?.value, { host: 'smtp.isp.example', family: 'name', port: 587 });
    const tls = one(target.settings, 'SmarthostTls');
    assert.equal(tls.mode?.value, 'optional');
    assert.equal(tls.noVerify?.text, 'no-verify');
    const password = one(target.settings, 'SmarthostPassword');
    assert.ok(password.source?.kind === 'File');
    assert.equal(password.source.path?.value, '/run/secrets/relay');

    const v6 = one(c.settings, 'RelayTo').target;
    assert.ok(v6?.kind === 'Smarthost');
    assert.deepEqual(v6.address?.value, { host: '2001:db8::1', family: 6, port: 25 });
    assert.equal(one(v6.settings, 'SmarthostTls').mode?.value, 'none');
  });

  it('reads connections except, relay anyone, optional tls and TLSv1.3', () => {
    const ast = parseClean(
      'server a { connections except { 192.0.2.0/24 } relay { anyone } tls { optional min-version TLSv1.3 } }',
    );
    const server = ast.items[0] as Ast.ServerDecl;
    assert.equal(one(server.settings, 'Connections').mode?.value, 'except');
    assert.equal(one(server.settings, 'Relay').entries[0]?.kind, 'Anyone');
    const tls = one(server.settings, 'Tls');
    assert.equal(one(tls.settings, 'TlsMode').mode, 'optional');
    assert.equal(one(tls.settings, 'TlsMinVersion').value?.value, '1.3');
  });

  it('accepts commas between entries in blocks, and none', () => {
    const ast = parseClean('list a { 10.0.0.1, 10.0.0.2 10.0.0.3, }');
    assert.equal((ast.items[0] as Ast.ListDecl).entries.length, 3);
  });

  it('needs no whitespace around braces and commas, and accepts any amount of it', () => {
    const compact = parseClean('server a{listen 0.0.0.0:25,[::]:25 relay{authenticated,10.0.0.0/8}}');
    const spread = parseClean('server\n\ta\n{\n\n listen\n 0.0.0.0:25\n ,\n [::]:25\n relay { authenticated\n 10.0.0.0/8 }\n}\n');
    const strip = (ast: Ast.PolicyFile): string =>
      JSON.stringify(ast.items, (key, value) => (key === 'range' || key === 'nameRange' ? undefined : value));
    assert.equal(strip(compact), strip(spread));
  });

  it('lexes a value that starts with a keyword as one value', () => {
    const ast = parseClean('server a { hostname server.example  local-domains relay.example, tls.example }');
    const server = ast.items[0] as Ast.ServerDecl;
    assert.equal(one(server.settings, 'Hostname').value?.value, 'server.example');
    assert.deepEqual(
      one(server.settings, 'LocalDomains').domains.map((d) => d.value),
      ['relay.example', 'tls.example'],
    );
  });

  it('normalises addresses and domains', () => {
    const ast = parseClean(`list a {
      2001:DB8:0:0::1/64
      ::ffff:10.1.2.3
      ::ffff:10.0.0.0/104
      10.1.2.3/8
      domain Partner.Example.
    }`);
    const [v6, mapped, mappedRange, hostBits, domain] = (ast.items[0] as Ast.ListDecl).entries as [
      Ast.CidrEntry,
      Ast.CidrEntry,
      Ast.CidrEntry,
      Ast.CidrEntry,
      Ast.DomainEntry,
    ];
    assert.deepEqual(v6.value, { family: 6, address: '2001:db8::1', network: '2001:db8::', prefix: 64, single: false });
    assert.deepEqual(mapped.value, { family: 4, address: '10.1.2.3', network: '10.1.2.3', prefix: 32, single: true });
    assert.deepEqual(mappedRange.value, { family: 4, address: '10.0.0.0', network: '10.0.0.0', prefix: 8, single: false });
    assert.deepEqual(hostBits.value, { family: 4, address: '10.1.2.3', network: '10.0.0.0', prefix: 8, single: false });
    assert.equal(domain.domain?.text, 'Partner.Example.');
    assert.equal(domain.domain?.value, 'partner.example');
  });

  it('resolves string escapes', () => {
    const ast = parseClean('users staff file "a \\"quoted\\" \\\\ path"');
    const users = ast.items[0] as Ast.UserStoreDecl;
    assert.equal(users.file?.value, 'a "quoted" \\ path');
    assert.equal(users.file?.raw, '"a \\"quoted\\" \\\\ path"');
  });

  it('accepts keywords as names only when written as names, and reports them', () => {
    const { ast, diagnostics } = parse('list relay { 10.0.0.1 }', 'p');
    assert.equal((ast.items[0] as Ast.ListDecl).name?.text, 'relay');
    assert.equal((ast.items[0] as Ast.ListDecl).entries.length, 1);
    assert.deepEqual(
      diagnostics.map((d) => d.message),
      ["'relay' is a keyword and cannot be a list name: choose another name"],
    );
  });
});

describe('positions', () => {
  it('counts lines across CRLF, CR and LF, and skips a BOM', () => {
    const text = '\ufeff# one\r\nserver a {\r  hostname mail.example.com\n}';
    const ast = parseClean(text);
    assert.deepEqual(ast.comments[0]?.range.start, { offset: 1, line: 1, column: 2 });
    const server = ast.items[0] as Ast.ServerDecl;
    assert.deepEqual(server.keyword.range.start, { offset: 8, line: 2, column: 1 });
    const hostname = one(server.settings, 'Hostname');
    assert.deepEqual({ start: hostname.value?.range.start, end: hostname.value?.range.end }, {
      start: { offset: 30, line: 3, column: 12 },
      end: { offset: 46, line: 3, column: 28 },
    });
    assert.deepEqual(server.range.end, { offset: text.length, line: 4, column: 2 });
  });

  it('counts columns in UTF-16 units, as offsets do', () => {
    const text = '# héllo 📨\nserver a {}';
    const ast = parseClean(text);
    assert.equal(ast.comments[0]?.range.end.column, text.indexOf('\n') + 1);
    assert.equal(ast.items[0]?.range.start.offset, text.indexOf('server'));
  });
});
