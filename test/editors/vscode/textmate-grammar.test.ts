import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import oniguruma from 'vscode-oniguruma';
import vsctm from 'vscode-textmate';
import { KEYWORDS } from '../../../grammar/keywords.js';

const require = createRequire(import.meta.url);
const GRAMMAR_PATH = join('editors', 'vscode', 'syntaxes', 'smtppolicy.tmLanguage.json');

async function loadGrammar(): Promise<vsctm.IGrammar> {
  const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (text: string) => new oniguruma.OnigString(text),
    }),
    loadGrammar: async (scopeName: string) =>
      scopeName === 'source.smtppolicy' ? vsctm.parseRawGrammar(readFileSync(GRAMMAR_PATH, 'utf8'), GRAMMAR_PATH) : null,
  });
  const grammar = await registry.loadGrammar('source.smtppolicy');
  assert.ok(grammar);
  return grammar;
}

const grammarPromise = loadGrammar();

interface ScopedToken {
  text: string;
  scopes: string[];
  line: number;
}

async function scopesOf(text: string): Promise<ScopedToken[]> {
  const grammar = await grammarPromise;
  let state = vsctm.INITIAL;
  const out: ScopedToken[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    const result = grammar.tokenizeLine(line, state);
    for (const token of result.tokens) out.push({ text: line.slice(token.startIndex, token.endIndex), scopes: token.scopes, line: index + 1 });
    state = result.ruleStack;
  });
  return out;
}

function scopeOf(tokens: ScopedToken[], text: string): string {
  const token = tokens.find((t) => t.text === text);
  assert.ok(token, `no token '${text}' in ${JSON.stringify(tokens.map((t) => t.text))}`);
  return token.scopes.join(' ');
}

function examples(): string[] {
  const dirs = ['examples', join('examples', 'insecure')];
  return dirs.flatMap((dir) => {
    try {
      return readdirSync(dir).filter((f) => f.endsWith('.smtppolicy')).map((f) => join(dir, f));
    } catch {
      return [];
    }
  });
}

test('the quickstart example gets keyword, name, address, string, domain, number and comment scopes', async () => {
  const tokens = await scopesOf(readFileSync(join('examples', 'quickstart.smtppolicy'), 'utf8'));
  assert.match(scopeOf(tokens, 'server'), /storage\.type\.smtppolicy/);
  assert.match(scopeOf(tokens, 'inbound'), /entity\.name\.type\.smtppolicy/);
  assert.match(scopeOf(tokens, 'listen'), /keyword\.other\.setting\.smtppolicy/);
  assert.match(scopeOf(tokens, '127.0.0.1:2525'), /constant\.numeric\.ip-address\.v4\.smtppolicy/);
  assert.match(scopeOf(tokens, 'mx.example.test'), /string\.unquoted\.domain\.smtppolicy/);
  assert.match(scopeOf(tokens, 'optional'), /constant\.language\.smtppolicy/);
  assert.match(scopeOf(tokens, 'implicit-tls'), /constant\.language\.smtppolicy/);
  assert.match(scopeOf(tokens, '0s'), /constant\.numeric\.smtppolicy/);
  assert.match(scopeOf(tokens, '../var/dev-certificate.pem'), /string\.quoted\.double\.smtppolicy/);
  const comment = tokens.find((t) => t.text.startsWith(' Quickstart'));
  assert.match(comment?.scopes.join(' ') ?? '', /comment\.line\.number-sign\.smtppolicy/);
});

test('every word of every example is highlighted as something', async () => {
  const files = examples();
  assert.ok(files.length >= 5, `expected the examples, found ${files.join(', ')}`);
  for (const file of files) {
    for (const token of await scopesOf(readFileSync(file, 'utf8'))) {
      if (token.text.trim() === '') continue;
      assert.ok(token.scopes.length > 1, `${file}:${token.line}: '${token.text}' has no scope beyond the source`);
    }
  }
});

test('every keyword of the language is highlighted as a keyword', async () => {
  for (const { text } of KEYWORDS) {
    const [token] = (await scopesOf(text)).filter((t) => t.text.trim() !== '');
    assert.equal(token?.text, text, `'${text}' split into several tokens`);
    assert.match(token.scopes.join(' '), /(keyword|storage\.type|constant\.language)\.[a-z.-]*smtppolicy/, `'${text}': ${token.scopes.join(' ')}`);
  }
});

test('addresses, ranges and references', async () => {
  const tokens = await scopesOf('list a { 10.0.0.0/8  2001:db8::/32  [::]:587  192.168.1.0 mask 255.255.255.0  @partners  server.example }');
  assert.match(scopeOf(tokens, '10.0.0.0/8'), /ip-address\.v4/);
  assert.match(scopeOf(tokens, '2001:db8::/32'), /ip-address\.v6/);
  assert.match(scopeOf(tokens, '[::]:587'), /ip-address\.v6/);
  assert.match(scopeOf(tokens, '255.255.255.0'), /ip-address\.v4/);
  assert.match(scopeOf(tokens, '@partners'), /variable\.other\.reference\.list\.smtppolicy/);
  // A value that starts like a keyword is still a value.
  assert.match(scopeOf(tokens, 'server.example'), /string\.unquoted\.domain/);
});

test('sizes, durations and versions are numbers; suppression comments show the directive and rule', async () => {
  const tokens = await scopesOf('limits { message-size 25MB  idle-timeout 5m }\nmin-version 1.2\n# smtppolicy-ignore open-relay -- lab network\n');
  assert.match(scopeOf(tokens, '25MB'), /constant\.numeric/);
  assert.match(scopeOf(tokens, '5m'), /constant\.numeric/);
  assert.match(scopeOf(tokens, '1.2'), /constant\.numeric/);
  assert.match(scopeOf(tokens, 'smtppolicy-ignore'), /comment\.line.*keyword\.control\.directive\.suppression/);
  assert.match(scopeOf(tokens, 'open-relay'), /comment\.line.*entity\.name\.tag\.rule-id/);
  assert.match(scopeOf(tokens, ' lab network'), /comment\.line.*comment\.line\.reason/);
});

test('addresses get a scope default themes colour (constant.numeric), whatever their family', async () => {
  const tokens = await scopesOf('server mx {\n  listen 0.0.0.0:25, [::]:25\n  connections only { 10.0.0.0/8  2001:db8::/32 }\n}\n');
  for (const address of ['0.0.0.0:25', '[::]:25', '10.0.0.0/8', '2001:db8::/32']) {
    assert.match(scopeOf(tokens, address), /(^| )constant\.numeric\.ip-address\.v[46]\.smtppolicy/, address);
  }
});

test('`users NAME` inside a block names the store a method uses; only the top level declares', async () => {
  const tokens = await scopesOf('users demo file "demo.passwd"\nserver s {\n  auth {\n    basic users staff\n    users robots\n  }\n}\n');
  assert.match(scopeOf(tokens, 'demo'), /entity\.name\.type\.smtppolicy/);
  for (const name of ['staff', 'robots']) {
    const scopes = scopeOf(tokens, name);
    assert.doesNotMatch(scopes, /entity\.name\.type/, `${name}: ${scopes}`);
    assert.match(scopes, /variable\.other\.reference\.user-store\.smtppolicy/, name);
  }
  assert.match(scopeOf(tokens, 's'), /entity\.name\.type\.smtppolicy/);
});
