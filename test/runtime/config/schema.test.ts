// schema.json and types.ts describe the same contract. Checked both ways:
// - structurally: every interface in types.ts (read with the TypeScript compiler API) is a
//   $defs entry with the same properties, the same required ones, and matching types;
// - by example: a fully populated sample typed as RuntimeConfig validates, covers every
//   schema property, and fails precisely when any property is removed or one is added.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import ts from 'typescript';
import { ConfigError, validateRuntimeConfig } from '../../../runtime/config/index.js';
import { makeRuntimeConfig } from '../fixtures/config-builder.js';
import { sampleConfig } from './sample-config.js';

type Schema = Record<string, any>;
const schema: Schema = JSON.parse(readFileSync(new URL('../../../runtime/config/schema.json', import.meta.url), 'utf8'));
const defs: Record<string, Schema> = schema.$defs;

const typesPath = fileURLToPath(new URL('../../../runtime/config/types.ts', import.meta.url));
const source = ts.createSourceFile(typesPath, readFileSync(typesPath, 'utf8'), ts.ScriptTarget.ES2022, true);
const interfaces = new Map<string, ts.InterfaceDeclaration>();
const aliases = new Map<string, ts.TypeAliasDeclaration>();
for (const statement of source.statements) {
  if (ts.isInterfaceDeclaration(statement)) interfaces.set(statement.name.text, statement);
  if (ts.isTypeAliasDeclaration(statement)) aliases.set(statement.name.text, statement);
}

function members(declaration: ts.InterfaceDeclaration): ts.PropertySignature[] {
  const inherited = (declaration.heritageClauses ?? []).flatMap((clause) =>
    clause.types.flatMap((base) => members(interfaces.get(base.expression.getText())!)),
  );
  return [...inherited, ...declaration.members.filter(ts.isPropertySignature)];
}

function deref(node: Schema): Schema {
  return typeof node.$ref === 'string' ? defs[node.$ref.replace('#/$defs/', '')]! : node;
}

function stringLiterals(type: ts.TypeNode): string[] | undefined {
  if (ts.isLiteralTypeNode(type) && ts.isStringLiteral(type.literal)) return [type.literal.text];
  if (ts.isUnionTypeNode(type)) {
    const all = type.types.map(stringLiterals);
    return all.every((x) => x !== undefined) ? all.flat() : undefined;
  }
  if (ts.isTypeReferenceNode(type) && aliases.has(type.typeName.getText())) {
    return stringLiterals(aliases.get(type.typeName.getText())!.type);
  }
  return undefined;
}

function isNull(type: ts.TypeNode): boolean {
  return ts.isLiteralTypeNode(type) && type.literal.kind === ts.SyntaxKind.NullKeyword;
}

/** Asserts that the schema node describes the TypeScript type. */
function checkType(type: ts.TypeNode, node: Schema, where: string): void {
  const literals = stringLiterals(type);
  if (literals !== undefined) {
    const target = deref(node);
    const allowed = target.enum ?? (target.const !== undefined ? [target.const] : undefined);
    assert.deepEqual([...(allowed ?? [])].sort(), [...literals].sort(), `${where}: enum`);
    return;
  }
  if (ts.isUnionTypeNode(type) && type.types.some(isNull)) {
    const rest = type.types.filter((t) => !isNull(t));
    assert.ok(Array.isArray(node.anyOf), `${where}: a nullable type is anyOf [null, …]`);
    assert.ok(node.anyOf.some((branch: Schema) => branch.type === 'null'), `${where}: null branch`);
    const other = node.anyOf.filter((branch: Schema) => branch.type !== 'null');
    assert.equal(other.length, 1, `${where}: one non-null branch`);
    checkType(rest.length === 1 ? rest[0]! : ts.factory.createUnionTypeNode(rest), other[0], where);
    return;
  }
  if (ts.isUnionTypeNode(type) && type.types.every(ts.isTypeLiteralNode)) {
    // { env } | { file }: one object with exactly one of the properties.
    const names = type.types.flatMap((t) => (t as ts.TypeLiteralNode).members.map((m) => m.name!.getText()));
    assert.equal(node.type, 'object', where);
    assert.deepEqual(Object.keys(node.properties).sort(), names.sort(), `${where}: alternatives`);
    assert.equal(node.minProperties, 1, where);
    assert.equal(node.maxProperties, 1, where);
    for (const t of type.types) checkObject((t as ts.TypeLiteralNode).members.filter(ts.isPropertySignature), { ...node, required: Object.keys((t as ts.TypeLiteralNode).members) }, where, false);
    return;
  }
  if (ts.isArrayTypeNode(type)) {
    assert.equal(node.type, 'array', `${where}: array`);
    checkType(type.elementType, node.items, `${where}[]`);
    return;
  }
  if (ts.isTypeLiteralNode(type)) {
    checkObject(type.members.filter(ts.isPropertySignature), node, where);
    return;
  }
  if (ts.isTypeReferenceNode(type)) {
    const name = type.typeName.getText();
    assert.equal(node.$ref, `#/$defs/${name}`, `${where}: refers to ${name}`);
    return;
  }
  if (ts.isTypeQueryNode(type)) {
    assert.equal(node.const, 1, `${where}: the version constant`);
    return;
  }
  const target = deref(node);
  switch (type.kind) {
    case ts.SyntaxKind.StringKeyword:
      assert.ok(target.type === 'string' || node.anyOf, `${where}: string`);
      return;
    case ts.SyntaxKind.NumberKeyword:
      assert.ok(target.type === 'integer' || target.type === 'number', `${where}: number`);
      return;
    case ts.SyntaxKind.BooleanKeyword:
      assert.equal(target.type, 'boolean', `${where}: boolean`);
      return;
    default:
      assert.fail(`${where}: no rule for ${ts.SyntaxKind[type.kind]}`);
  }
}

function checkObject(props: ts.PropertySignature[], node: Schema, where: string, checkRequired = true): void {
  assert.equal(node.type, 'object', `${where}: object`);
  assert.equal(node.additionalProperties, false, `${where}: closed`);
  const names = props.map((p) => p.name.getText());
  if (checkRequired) {
    assert.deepEqual(Object.keys(node.properties).sort(), [...names].sort(), `${where}: same properties`);
    const required = props.filter((p) => p.questionToken === undefined).map((p) => p.name.getText());
    assert.deepEqual([...node.required].sort(), required.sort(), `${where}: same required properties`);
  }
  for (const prop of props) checkType(prop.type!, node.properties[prop.name.getText()], `${where}.${prop.name.getText()}`);
}

describe('schema.json agrees with types.ts', () => {
  test('has the identity a published schema needs', () => {
    assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
    assert.match(schema.$id, /^https:\/\//);
    assert.equal(typeof schema.title, 'string');
    assert.equal(defs.RuntimeConfig!.properties.version.const, 1);
    assert.equal(schema.$ref, '#/$defs/RuntimeConfig');
  });

  for (const [name, declaration] of interfaces) {
    test(`interface ${name} is $defs/${name}`, () => {
      assert.ok(defs[name], `schema has no $defs/${name}`);
      checkObject(members(declaration), defs[name]!, name);
    });
  }

  test('union aliases are tagged unions of the same members', () => {
    for (const name of ['AddressItem', 'RelayTarget']) {
      const alias = aliases.get(name)!.type as ts.UnionTypeNode;
      const expected = alias.types.map((t) => `#/$defs/${t.getText()}`).sort();
      assert.deepEqual(defs[name]!.oneOf.map((b: Schema) => b.$ref).sort(), expected, name);
      assert.equal(defs[name]!.discriminator.propertyName, 'kind');
    }
  });

  test('every object is closed and every property described', () => {
    const problems: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (Array.isArray(node)) return node.forEach((x, i) => walk(x, `${path}/${i}`));
      if (typeof node !== 'object' || node === null) return;
      // an `if` only tells which branch a value takes (the user store's `ldap`); the branches are closed
      if (path.endsWith('/if')) return;
      const n = node as Schema;
      if (n.type === 'object' && n.properties && n.additionalProperties !== false && !n.discriminator) problems.push(`${path}: not closed`);
      for (const [key, value] of Object.entries(n.properties ?? {})) {
        if (typeof (value as Schema).description !== 'string') problems.push(`${path}/properties/${key}: no description`);
      }
      for (const [key, value] of Object.entries(n)) walk(value, `${path}/${key}`);
    };
    walk(schema, '#');
    assert.deepEqual(problems, []);
  });
});

describe('schema.json agrees with types.ts, by example', () => {
  test('the fully populated sample validates', () => {
    assert.doesNotThrow(() => validateRuntimeConfig(sampleConfig()));
  });

  test('the fixture builder gives valid configs', () => {
    assert.doesNotThrow(() => validateRuntimeConfig(makeRuntimeConfig()));
    assert.doesNotThrow(() => validateRuntimeConfig(makeRuntimeConfig({ storageDir: '/tmp/x', servers: [{ tls: {} }, { name: 'second', listen: [{ address: '::1', port: 2587, tlsMode: 'starttls', source: 'f.smtppolicy:1:1' }] }] })));
  });

  test('the sample uses every property the schema defines', () => {
    const used = new Set<string>();
    const collect = (value: unknown): void => {
      if (Array.isArray(value)) return value.forEach(collect);
      if (typeof value !== 'object' || value === null) return;
      for (const [key, child] of Object.entries(value)) {
        used.add(key);
        collect(child);
      }
    };
    collect(sampleConfig());
    const defined = new Set<string>();
    const walk = (node: unknown): void => {
      if (typeof node !== 'object' || node === null) return;
      for (const key of Object.keys((node as Schema).properties ?? {})) defined.add(key);
      Object.values(node).forEach(walk);
    };
    walk(schema);
    assert.deepEqual([...defined].filter((key) => !used.has(key)), []);
  });

  // Every object in the sample, with its JSON pointer.
  function objects(value: unknown, pointer = ''): { pointer: string; object: Record<string, unknown> }[] {
    if (Array.isArray(value)) return value.flatMap((x, i) => objects(x, `${pointer}/${i}`));
    if (typeof value !== 'object' || value === null) return [];
    const object = value as Record<string, unknown>;
    return [{ pointer, object }, ...Object.entries(object).flatMap(([k, v]) => objects(v, `${pointer}/${k}`))];
  }

  function problemsOf(config: unknown): string[] {
    try {
      validateRuntimeConfig(config);
      return [];
    } catch (error) {
      assert.ok(error instanceof ConfigError);
      return error.problems.map((p) => `${p.pointer}: ${p.message}`);
    }
  }

  test('removing any property fails at its pointer, except the optional `list`, `banner`, `recipients`, `routes`, `rates` and `state`', () => {
    const sample = sampleConfig();
    for (const { pointer, object } of objects(sample)) {
      for (const key of Object.keys(object)) {
        const mutated = sampleConfig();
        const target = objects(mutated).find((o) => o.pointer === pointer)!.object;
        delete target[key];
        const problems = problemsOf(mutated);
        const optional = key === 'list' || (/\/(password|bindPassword)$/.test(pointer) && (key === 'env' || key === 'file'));
        if (['list', 'banner', 'recipients', 'routes', 'rates', 'state'].includes(key)) assert.deepEqual(problems, [], `${pointer}/${key} is optional`);
        // a user store without `ldap` is read as a password file, which lacks its file
        else if (key === 'ldap') assert.ok(problems.includes(`${pointer}/file: is required`), `${pointer}/${key}: ${problems.join('; ')}`);
        else if (optional) assert.ok(problems.some((p) => p.startsWith(`${pointer}: must have exactly one of env or file`)), `${pointer}/${key}: ${problems.join('; ')}`);
        else assert.ok(problems.includes(`${pointer}/${key}: is required`), `${pointer}/${key}: ${problems.join('; ')}`);
      }
    }
  });

  test('adding an unknown property to any object fails at its pointer', () => {
    for (const { pointer } of objects(sampleConfig())) {
      const mutated = sampleConfig();
      objects(mutated).find((o) => o.pointer === pointer)!.object.surprise = true;
      assert.deepEqual(problemsOf(mutated), [`${pointer}/surprise: is not a known property`], pointer);
    }
  });
});
