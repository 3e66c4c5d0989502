// A certificate that is present but unusable: the server would fail its TLS handshakes or
// present something clients rightly refuse. Present-but-bad is an error (unlike a file
// that is simply not deployed on the linting machine: certificate-not-found).

import { certificatePairs, parseCertificate, parsePrivateKey, readPolicyFile } from './helpers/certificate-files.js';
import { defineRule } from '../lint/rule.js';

const MIN_RSA_BITS = 2048;

export default defineRule({
  meta: {
    id: 'certificate-invalid',
    category: 'certificates',
    defaultSeverity: 'error',
    description: 'a certificate or key is unreadable, malformed, expired or not yet valid, does not match, or has an RSA key under 2048 bits',
    messages: {
      unreadable: "cannot read {{what}} '{{file}}': {{reason}}",
      malformed: "{{what}} '{{file}}' is {{reason}}",
      expired: "certificate '{{file}}' expired on {{date}}: clients will refuse the TLS handshake",
      notYetValid: "certificate '{{file}}' is not valid before {{date}}: clients will refuse the TLS handshake",
      mismatch: "key '{{file}}' does not belong to certificate '{{certificate}}': the TLS handshake will fail",
      weakKey: "certificate '{{file}}' has a {{bits}}-bit RSA key: use at least 2048 bits",
    },
    fixable: false,
    readsFiles: true,
  },
  check(context) {
    for (const pair of certificatePairs(context.model)) {
      const file = pair.server.file;
      const atCertificate = { node: pair.certificatePath, file };
      const atKey = { node: pair.keyPath, file };
      const certificateFile = readPolicyFile(context.model, pair.config.certificate);
      const keyFile = readPolicyFile(context.model, pair.config.key);
      const names = { file: pair.certificatePath.value, certificate: pair.certificatePath.value };

      let certificate;
      if (certificateFile.kind === 'unreadable') {
        context.report({ at: atCertificate, messageId: 'unreadable', data: { what: 'certificate', file: names.file, reason: certificateFile.reason } });
      } else if (certificateFile.kind === 'read') {
        const parsed = parseCertificate(certificateFile.data);
        if (typeof parsed === 'string') context.report({ at: atCertificate, messageId: 'malformed', data: { what: 'certificate', file: names.file, reason: parsed } });
        else certificate = parsed;
      }
      if (certificate) {
        const from = new Date(certificate.validFrom);
        const to = new Date(certificate.validTo);
        if (context.now < from) context.report({ at: atCertificate, messageId: 'notYetValid', data: { file: names.file, date: from.toISOString() } });
        if (context.now > to) context.report({ at: atCertificate, messageId: 'expired', data: { file: names.file, date: to.toISOString() } });
        const details = certificate.publicKey.asymmetricKeyDetails;
        if (certificate.publicKey.asymmetricKeyType === 'rsa' && details?.modulusLength !== undefined && details.modulusLength < MIN_RSA_BITS) {
          context.report({ at: atCertificate, messageId: 'weakKey', data: { file: names.file, bits: details.modulusLength } });
        }
      }

      const keyName = pair.keyPath.value;
      if (keyFile.kind === 'unreadable') {
        context.report({ at: atKey, messageId: 'unreadable', data: { what: 'key', file: keyName, reason: keyFile.reason } });
      } else if (keyFile.kind === 'read') {
        const key = parsePrivateKey(keyFile.data);
        if (typeof key === 'string') context.report({ at: atKey, messageId: 'malformed', data: { what: 'key', file: keyName, reason: key } });
        else if (certificate && !certificate.checkPrivateKey(key)) {
          context.report({ at: atKey, messageId: 'mismatch', data: { file: keyName, certificate: names.certificate } });
        }
      }
    }
  },
});
