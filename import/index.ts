// Other MTAs' configurations read as policies: the front door cli/ uses (test/architecture.test.ts).
export { importPostfix, type ImportedPolicy, type ImportOptions } from './postfix/to-policy.js';
export { PostfixSyntaxError, formatPosition, type PostfixPosition } from './postfix/positions.js';
