// The whole compiler pipeline on generated input: checkPolicy with every lint rule, the
// emitted config, and the formatter (parse alone is covered by
// test/grammar/robustness.property.test.ts). Three kinds of input: random text, policies
// built from the grammar with valid and invalid values and comments everywhere, and token
// mutations of the shipped examples. Each must finish within a bound, never throw, give
// only valid diagnostic ranges, and, where it parses, format idempotently with every
// comment kept and the same findings and config after formatting.
import { describe, it } from 'node:test';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { tokenize } from '../../../grammar/index.js';
import { runPipeline, type Files } from './pipeline-checks.js';

// a hang detector, not a speed goal: generous, as the machine may be loaded
const BOUND_MS = 30_000;
const ROOT = join(import.meta.dirname, '..', '..', '..');
const EXAMPLES = [
  join(ROOT, 'test', 'grammar', 'fixtures', 'complete.smtppolicy'),
  ...readdirSync(join(ROOT, 'examples')).filter((n) => n.endsWith('.smtppolicy')).map((n) => join(ROOT, 'examples', n)),
].map((path) => readFileSync(path, 'utf8'));

/** What `include "common.smtppolicy"` (in the complete fixture) finds. */
const INCLUDED: Files = {
  'common.smtppolicy': '# shared lists\nlist other-list { 10.9.9.9  domain other.example }\n',
  'cycle.smtppolicy': 'include "main.smtppolicy"\n',
};

const run = (text: string) => runPipeline(text, BOUND_MS, INCLUDED);

// ---- grammar-aware generation ----------------------------------------------------------

const comment = fc.constantFrom('', '', '', ' # note', ' # ünïcödé ✓', ' #', ' # } { "', ' # smtppolicy-ignore open-relay -- why');
const gap = fc.constantFrom(' ', ' ', '\n', '\n  ', '\r\n', '\n\n', '\t');
const address = fc.constantFrom('10.0.0.1', '10.0.0.0/8', '192.168.1.0 mask 255.255.255.0', '::1', '2001:db8::/32', '0.0.0.0/0', '198.51.100.7', '300.1.1.1', '10.0.0.0/33', 'domain partner.example', 'domain -bad-', '@partners', '@missing', '::ffff:10.0.0.1');
const endpoint = fc.constantFrom('127.0.0.1:2525', '0.0.0.0:25', '[::1]:587', '0.0.0.0:465 implicit-tls', '127.0.0.1:70000', '1.2.3:25', '[::]:25');
const domain = fc.constantFrom('mail.example.test', 'example.test', 'localhost', 'bad_name', 'a..b', 'x.example');
const duration = fc.constantFrom('0s', '5m', '1h', '30s', '10x', '-1s');
const size = fc.constantFrom('25MB', '1KB', '0', '10', '5GB');

function block(keyword: string, settings: fc.Arbitrary<string>, max = 5): fc.Arbitrary<string> {
  return fc
    .tuple(comment, fc.array(fc.tuple(gap, settings, comment), { maxLength: max }), gap)
    .map(([c, items, end]) => `${keyword} {${c}${items.map(([g, s, k]) => `${g}${s}${k}`).join('')}${end}}`);
}

const entries = fc.array(address, { maxLength: 6 }).map((a) => a.join('  '));

const tlsSetting = fc.oneof(
  fc.constantFrom('certificate "certs/mail.pem"', 'key "certs/mail.key"', 'require', 'optional', 'min-version 1.2', 'min-version 1.0', 'min-version 1.3', 'min-cipher-bits 128', 'min-cipher-bits 7'),
  domain.map((d) => `sni ${d} { certificate "certs/other.pem"  key "certs/other.key" }`),
);
const authSetting = fc.constantFrom('basic users staff', 'challenge-response users staff', 'token users staff', 'anonymous', 'sender-must-match', 'basic users nobody', 'basic');
const limitSetting = fc.oneof(
  size.map((s) => `message-size ${s}`),
  fc.constantFrom('recipients 100', 'connections 200', 'connections-per-address 20', 'auth-failures 5', 'recipients 0'),
  fc.tuple(fc.constantFrom('session-timeout', 'data-timeout', 'idle-timeout', 'greeting-delay', 'auth-failure-window'), duration).map(([k, d]) => `${k} ${d}`),
);
const serverSetting = fc.oneof(
  fc.array(endpoint, { minLength: 1, maxLength: 3 }).map((e) => `listen ${e.join(', ')}`),
  domain.map((d) => `hostname ${d}`),
  block('tls', tlsSetting),
  fc.tuple(fc.constantFrom('only', 'except', ''), entries).map(([mode, e]) => `connections ${mode} { ${e} }`),
  block('auth', authSetting),
  fc.tuple(fc.constantFrom('authenticated', 'anyone', ''), entries).map(([who, e]) => `relay { ${who} ${e} }`),
  fc.array(domain, { minLength: 1, maxLength: 3 }).map((d) => `local-domains ${d.join(', ')}`),
  fc.constantFrom('relay-to hold', 'relay-to smarthost "smtp.isp.example:587" { tls require  user "relay"  password env RELAY_PASSWORD }', 'relay-to smarthost smtp.isp.example:25 { tls none }', 'relay-to smarthost "x" { }', 'relay-to direct', 'relay-to'),
  fc.tuple(domain, fc.constantFrom('"smtp.partner.example:25"', '[2001:db8::25]:2525', '192.0.2.25', '')).map(([d, h]) => (h ? `route ${d} ${h}` : `route ${d}`)),
  block('limits', limitSetting),
  entries.map((e) => `proxy-protocol { ${e} }`),
  fc.constant('allow-bare-newlines'),
);
const name = fc.constantFrom('inbound', 'submission', 'a', 'partners', 'staff', 'x-1', 'inbound');
const topLevel = fc.oneof(
  fc.tuple(name, fc.array(fc.tuple(gap, serverSetting, comment), { maxLength: 7 })).map(([n, s]) => `server ${n} {${s.map(([g, x, c]) => `${g}${x}${c}`).join('')}\n}`),
  fc.tuple(name, entries).map(([n, e]) => `list ${n} { ${e} }`),
  name.map((n) => `users ${n} file "users.passwd"`),
  fc.constantFrom('storage { spool "var/spool"  maildir "var/mail" }', 'admin { listen 127.0.0.1:9725 }', 'include "common.smtppolicy"', 'include "cycle.smtppolicy"', 'include "missing.smtppolicy"'),
  block('resolver', fc.constantFrom('servers 10.0.0.53, 127.0.0.1:5353', 'timeout 2s', 'reverse-zone 10.in-addr.arpa', 'cache { max-ttl 1h  negative-ttl 5m  entries 10000 }', 'timeout 0s')),
);
const grammarPolicy = fc
  .tuple(fc.array(fc.tuple(comment, topLevel, gap), { minLength: 1, maxLength: 6 }), fc.boolean(), fc.boolean())
  .map(([items, crlf, bom]) => {
    const text = items.map(([c, item, g]) => `${c.trim()}\n${item}${g}`).join('\n');
    return `${bom ? '\ufeff' : ''}${crlf ? text.replace(/\r?\n/g, '\r\n') : text}`;
  });

// ---- mutations of the shipped examples -----------------------------------------------------

const PIECES = ['{', '}', ',', '#x\n', '\n', '\r\n', ' ', '"', '\\', '@', '\0', '\ufeff', '\ud800', 'mask', 'domain', '10.0.0.0/33', 'anyone', 'require', 'include "main.smtppolicy"'];
const mutatedExample = fc
  .tuple(
    fc.nat({ max: EXAMPLES.length - 1 }),
    fc.array(fc.tuple(fc.constantFrom('delete', 'insert', 'duplicate', 'swap'), fc.nat(), fc.nat(), fc.constantFrom(...PIECES)), { minLength: 1, maxLength: 5 }),
  )
  .map(([which, mutations]) => {
    const tokens = tokenize(EXAMPLES[which]!).tokens;
    const text = EXAMPLES[which]!;
    // edit the text around tokens so that the layout and comments between them survive
    const cuts = tokens.map((t) => ({ start: t.range.start.offset, end: t.range.end.offset, text: t.text }));
    for (const [op, i, j, piece] of mutations) {
      if (cuts.length === 0) break;
      const a = cuts[i % cuts.length]!;
      const b = cuts[j % cuts.length]!;
      if (op === 'delete') a.text = '';
      else if (op === 'insert') a.text = `${piece} ${a.text}`;
      else if (op === 'duplicate') a.text = `${a.text} ${a.text}`;
      else [a.text, b.text] = [b.text, a.text];
    }
    let out = '';
    let at = 0;
    for (const cut of cuts) {
      out += text.slice(at, cut.start) + cut.text;
      at = cut.end;
    }
    return out + text.slice(at);
  });

describe('the compiler pipeline on generated policies', () => {
  it('random text (including NUL, lone surrogates, BOM, CR)', { timeout: 240_000 }, async () => {
    await fc.assert(fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 160 }), async (text) => void (await run(text))), { numRuns: 120 });
  });

  it('policies generated from the grammar, valid and invalid values, comments everywhere', { timeout: 240_000 }, async () => {
    await fc.assert(fc.asyncProperty(grammarPolicy, async (text) => void (await run(text))), { numRuns: 120 });
  });

  it('token mutations of the shipped examples', { timeout: 240_000 }, async () => {
    await fc.assert(fc.asyncProperty(mutatedExample, async (text) => void (await run(text))), { numRuns: 120 });
  });

  it('every shipped example, as is', { timeout: 60_000 }, async () => {
    for (const text of EXAMPLES) await run(text);
  });
});
