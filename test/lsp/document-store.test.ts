import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DocumentStore, type EditorDocument } from '../../lsp/document-store.js';

class Documents {
  readonly open = new Map<string, EditorDocument>();
  set(uri: string, version: number, text: string): void {
    this.open.set(uri, { uri, version, getText: () => text });
  }
  get(uri: string) {
    return this.open.get(uri);
  }
  all() {
    return [...this.open.values()];
  }
}

const MAIN = 'file:///policies/main.smtppolicy';
const COMMON = 'file:///policies/common.smtppolicy';
const OTHER = 'file:///policies/other.smtppolicy';

function setup() {
  const documents = new Documents();
  const disk = new Map([['/policies/common.smtppolicy', 'list partners { 10.0.0.0/8 }\n']]);
  const reads: string[] = [];
  const store = new DocumentStore(documents, {
    readFile: async (path) => {
      reads.push(path);
      const text = disk.get(path);
      if (text === undefined) throw Object.assign(new Error('missing'), { code: 'ENOENT' });
      return text;
    },
  });
  documents.set(MAIN, 1, 'include "common.smtppolicy"\nserver a {\n  listen 127.0.0.1:25\n  hostname mx.example.test\n  connections only { @partners }\n}\n');
  documents.set(OTHER, 1, 'list unrelated { 192.0.2.0/24 }\n');
  return { documents, disk, reads, store };
}

test('a result is reused until the document or a file it read changes', async () => {
  const { documents, store, reads } = setup();
  const first = await store.analyze(MAIN);
  assert.ok(first);
  assert.equal(await store.analyze(MAIN), first, 'same version, same inputs: cached');
  assert.deepEqual(reads, ['/policies/common.smtppolicy']);

  // Opening the included file in the editor changes what the policy reads.
  documents.set(COMMON, 1, 'list partners { 10.0.0.0/8 }\n');
  const second = await store.analyze(MAIN);
  assert.notEqual(second, first);
  assert.equal(await store.analyze(MAIN), second);

  documents.set(MAIN, 2, 'server a {\n  listen 127.0.0.1:25\n}\n');
  assert.notEqual(await store.analyze(MAIN), second);
});

test('dependents are the open files that read the changed file', async () => {
  const { store } = setup();
  await store.analyze(MAIN);
  await store.analyze(OTHER);
  assert.equal(await store.dependsOn(MAIN, '/policies/common.smtppolicy'), true);
  assert.equal(await store.dependsOn(OTHER, '/policies/common.smtppolicy'), false);
});

test('an included file gets its meaning, and its diagnostics, from the open file that includes it', async () => {
  const { documents, store } = setup();
  documents.set(COMMON, 1, 'list partners { 10.0.0.0/8  @missing }\n');
  const context = await store.context(COMMON);
  assert.ok(context);
  assert.equal(context.check.files[0]?.path, '/policies/main.smtppolicy');
  assert.equal(context.current.path, '/policies/common.smtppolicy');
  assert.equal(context.diagnostics.length, 1, JSON.stringify(context.diagnostics));
  assert.match(context.diagnostics[0]!.message, /unknown list '@missing'/);
  assert.equal(context.diagnostics[0]!.range.start.line, 1);
});

test('a disk change makes every cached result stale', async () => {
  const { disk, store } = setup();
  const first = await store.analyze(MAIN);
  disk.set('/policies/common.smtppolicy', 'list others { 10.0.0.0/8 }\n');
  assert.equal(await store.analyze(MAIN), first, 'without a watched-file event the cache holds');
  store.diskChanged();
  const second = await store.analyze(MAIN);
  assert.notEqual(second, first);
  assert.ok(second?.check.diagnostics.some((d) => /unknown list '@partners'/.test(d.message)));
});
