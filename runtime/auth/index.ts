// runtime/auth's entry point for the CLI (`smtppolicy passwd`): making and reading the
// secrets that the credential stores hold.
export { cramMd5Secret, formatCramMd5Secret } from './cram-md5.js';
export { formatTokenSecret, generateBearerToken } from './bearer-token.js';
export { hashPassword } from './password-hash.js';
export { normalizeUser, parsePasswordFile, PasswordFileError, updatePasswordLine, type PasswordEntry, type SecretChanges } from './password-file.js';
// … and for `smtppolicy users test`: a store as the server builds it, asked once.
export { openUserStore } from './open-user-store.js';
export { DirectoryUnavailableError, type UserStore } from './user-store.js';
