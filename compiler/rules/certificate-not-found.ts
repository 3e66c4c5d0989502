// A certificate or key that does not exist on the linting machine. Often fine (CI lints
// without deployed secrets), hence a warning; the other certificate rules check the files
// wherever they do exist.

import { certificatePairs, readPolicyFile } from './helpers/certificate-files.js';
import { defineRule } from '../lint/rule.js';

export default defineRule({
  meta: {
    id: 'certificate-not-found',
    category: 'certificates',
    defaultSeverity: 'warning',
    description: 'a certificate or key file does not exist on this machine, so it cannot be checked (and the server cannot start here)',
    messages: {
      both: "certificate '{{certificate}}' and key '{{key}}' of server '{{server}}' do not exist on this machine ({{path}}): they cannot be checked here, and the server will not start without them",
      certificate: "certificate '{{certificate}}' of server '{{server}}' does not exist on this machine ({{path}})",
      key: "key '{{key}}' of server '{{server}}' does not exist on this machine ({{path}})",
    },
    fixable: false,
    readsFiles: true,
  },
  check(context) {
    for (const pair of certificatePairs(context.model)) {
      const certificate = readPolicyFile(context.model, pair.config.certificate);
      const key = readPolicyFile(context.model, pair.config.key);
      const data = { certificate: pair.certificatePath.value, key: pair.keyPath.value, server: pair.server.config.name };
      const file = pair.server.file;
      if (certificate.kind === 'missing') {
        context.report({
          at: { node: pair.certificatePath, file },
          messageId: key.kind === 'missing' ? 'both' : 'certificate',
          data: { ...data, path: certificate.path },
        });
      } else if (key.kind === 'missing') {
        context.report({ at: { node: pair.keyPath, file }, messageId: 'key', data: { ...data, path: key.path } });
      }
    }
  },
});
