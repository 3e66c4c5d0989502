// Other MTAs as targets of a policy: the front door cli/ uses (test/architecture.test.ts).
export { translateToPostfix, PostfixServiceClash, type PostfixOptions } from './postfix/translate.js';
export { PostfixNameClash } from './postfix/names.js';
export { targetReport } from './findings.js';
export { formatTargetJson, formatTargetPretty } from './report.js';
export { SETTING_ROWS, NOT_SETTINGS, NOT_SETTING_PROPERTIES } from './settings.js';
export { mappingTable, updateMtaDocs, MTA_DOCS_PATH } from './docs-table.js';
export type { Fidelity, MappingFinding, SettingRow, TargetMapping, TargetName, TargetOutput, TargetReport } from './types.js';
export { NO_MAILBOXES, type MailboxSnapshot } from './mailboxes.js';
export { translateToOpenSmtpd, DEFAULT_DELIVERY_USER, type OpenSmtpdOptions } from './opensmtpd/translate.js';
