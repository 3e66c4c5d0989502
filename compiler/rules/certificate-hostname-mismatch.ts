// Clients check that the certificate names the host they connected to (the article: the
// FQDN must match what clients type). A certificate for another name fails verification,
// and clients that then "accept anyway" are open to interception.

import { certificatePairs, presentCertificate } from './helpers/certificate-files.js';
import { defineRule } from '../lint/rule.js';

export default defineRule({
  meta: {
    id: 'certificate-hostname-mismatch',
    category: 'certificates',
    defaultSeverity: 'error',
    description: "the certificate does not cover the server's hostname (or its SNI name)",
    messages: {
      mismatch: "certificate '{{file}}' does not cover {{hostname}}, the name clients of server '{{server}}' connect to (it names {{names}})",
    },
    fixable: false,
    readsFiles: true,
  },
  check(context) {
    for (const pair of certificatePairs(context.model)) {
      const certificate = presentCertificate(context.model, pair);
      if (!certificate) continue; // certificate-not-found or certificate-invalid reports it
      for (const hostname of pair.hostnames) {
        if (certificate.checkHost(hostname) !== undefined) continue;
        const names = certificate.subjectAltName ?? certificate.subject.replace(/\n/g, ', ');
        context.report({
          at: { node: pair.certificatePath, file: pair.server.file },
          messageId: 'mismatch',
          data: { file: pair.certificatePath.value, hostname, server: pair.server.config.name, names },
        });
      }
    }
  },
});
