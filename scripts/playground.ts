// `npm run playground [-- --port N] [-- --host ADDRESS]`: builds the playground and serves it
// on loopback (an OS-chosen port unless --port says otherwise) until Ctrl-C.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildPlayground, ROOT } from '../playground/build.js';
import { serveFolder } from '../playground/static-server.js';

const { values } = parseArgs({ options: { port: { type: 'string', default: '0' }, host: { type: 'string', default: '127.0.0.1' } } });
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port needs a port number (0 for any free one), found '${values.port}'`);
const built = await buildPlayground(join(ROOT, 'dist/playground'));
const server = await serveFolder(built.outdir, { host: values.host, port });
console.log(`smtppolicy playground: ${server.url}  (serving dist/playground/; Ctrl-C stops)`);
