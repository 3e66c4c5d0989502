import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { posix } from 'node:path';
import fc from 'fast-check';
import * as shim from '../../playground/shims/path.js';

// The playground's node:path (playground/shims/path.ts) must answer as Node's POSIX paths
// do, or the compiler in the browser would resolve includes and display names differently.

const segment = fc.constantFrom('', '.', '..', 'a', 'b', 'policy.smtppolicy', 'x y');
const path = fc.tuple(fc.boolean(), fc.array(segment, { maxLength: 5 }), fc.boolean()).map(([absolute, parts, slash]) => `${absolute ? '/' : ''}${parts.join('/')}${slash ? '/' : ''}`);
// from the made-up working directory, as checkPolicy resolves against it
const CWD = '/playground';

describe("the playground's node:path", () => {
  it('resolves, joins and relates paths as path.posix does', () => {
    fc.assert(
      fc.property(path, path, (a, b) => {
        assert.equal(shim.resolve(CWD, a, b), posix.resolve(CWD, a, b));
        assert.equal(shim.join(a, b), posix.join(a, b));
        assert.equal(shim.relative(shim.resolve(CWD, a), shim.resolve(CWD, b)), posix.relative(posix.resolve(CWD, a), posix.resolve(CWD, b)));
        assert.equal(shim.isAbsolute(a), posix.isAbsolute(a));
      }),
      { examples: [['../..', 'a/../b/'], ['/', ''], ['', '.'], ['a/', '/b']] },
    );
  });

  it('takes directory and base names as path.posix does', () => {
    fc.assert(
      fc.property(path, (a) => {
        assert.equal(shim.dirname(a), posix.dirname(a));
        assert.equal(shim.basename(a), posix.basename(a));
      }),
      { examples: [['/'], [''], ['a'], ['/a/b/'], ['//a']] },
    );
  });
});
