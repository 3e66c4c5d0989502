// `npm run build:playground`: writes the static playground page to dist/playground/.
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { buildPlayground, ROOT } from '../playground/build.js';

const built = await buildPlayground(join(ROOT, 'dist/playground'));
for (const file of built.files) {
  const bytes = readFileSync(join(built.outdir, file));
  console.log(`${join('dist/playground', file).padEnd(28)} ${String(bytes.length).padStart(9)} bytes, ${String(gzipSync(bytes).length).padStart(8)} gzipped`);
}
