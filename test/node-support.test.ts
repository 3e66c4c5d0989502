// What the project says about Node.js versions, held to what CI does: the pinned builds
// (scripts/node-builds.txt) are what .ci/run tests, the lowest of them is the floor that
// package.json's engines field promises, and the README names each one a user can rely on.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const ROOT = join(import.meta.dirname, '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

interface PinnedBuild { version: string; major: number; integrity: string; scope: string }

function pinnedBuilds(): PinnedBuild[] {
  return read('scripts/node-builds.txt')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) => {
      const [version = '', integrity = '', scope = '', ...rest] = line.trim().split(/\s+/);
      assert.match(version, /^\d+\.\d+\.\d+$/, `not a version in scripts/node-builds.txt: ${line}`);
      assert.match(integrity, /^sha512-[A-Za-z0-9+/]{86}==$/, `not a sha512 integrity in scripts/node-builds.txt: ${line}`);
      assert.ok(['full', 'core', 'floor', 'quick'].includes(scope), `scope must be full, core, floor or quick in scripts/node-builds.txt: ${line}`);
      assert.deepEqual(rest, [], `unexpected text in scripts/node-builds.txt: ${line}`);
      return { version, major: Number(version.split('.')[0]), integrity, scope };
    });
}

test('CI tests one build of each supported major, the floor among them', () => {
  const builds = pinnedBuilds();
  const majors = builds.map((b) => b.major);
  assert.equal(new Set(majors).size, majors.length, `a major is pinned twice: ${majors.join(', ')}`);
  const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node;
  const floor = /^>=(\d+)$/.exec(engines)?.[1];
  assert.ok(floor, `engines.node should read '>=MAJOR', not '${engines}'`);
  assert.equal(Math.min(...majors), Number(floor), `engines.node ${engines} promises a floor that CI does not test`);
  for (const major of [22, 24]) assert.ok(majors.includes(major), `Node ${major} (LTS) is not tested`);
  assert.ok(builds.some((b) => b.scope === 'full'), 'no build runs the whole suite');
  const floorBuild = builds.find((b) => b.major === Math.min(...majors));
  // quick runs no CLI command in-process and no fuzzer that reaches V8's limits: the floor,
  // the Node users on the oldest supported release have, runs at least those (floor scope).
  assert.notEqual(floorBuild?.scope, 'quick', 'the floor must run at least the floor scope: it is the Node users on the oldest supported release have');
});

test('.ci/run runs the suite through the Node matrix', () => {
  // Other branches edit .ci/run (apt packages): a merge that drops this line would leave
  // only the machine's own Node tested, silently.
  assert.match(read('.ci/run'), /^SMTPPOLICY_TEST_COMMAND='npm test' bash \.ci\/node-matrix\.sh$/m);
});

test('the README names every Node build that CI tests', () => {
  const readme = read('README.md');
  const missing = pinnedBuilds().filter((b) => !readme.includes(b.version)).map((b) => b.version);
  assert.deepEqual(missing, [], 'README.md does not name these tested versions');
});

test('with-node refuses a version that is not pinned, naming the pinned ones', () => {
  const result = spawnSync('bash', [join(ROOT, 'scripts/with-node.sh'), '19', 'node', '--version'], { encoding: 'utf8' });
  assert.equal(result.status, 2);
  assert.match(result.stderr, /no pinned Node build matches '19'/);
  for (const build of pinnedBuilds()) assert.ok(result.stderr.includes(build.version), result.stderr);
  assert.equal(result.stdout, '');
});
