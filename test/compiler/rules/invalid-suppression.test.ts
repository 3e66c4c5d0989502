import { ruleTests } from './rule-tester.js';

const srv = (comment: string) => `server s {\n  listen 10.0.0.1:2525\n  hostname mail.example.test\n  ${comment}\n  connections only { 10.0.0.1  10.0.0.1 }\n}\n`;

ruleTests('invalid-suppression', {
  valid: [{ name: 'rule and reason', code: srv('# smtppolicy-ignore duplicate-entry -- generated list, deduplicated upstream') }],
  invalid: [
    { name: 'no reason', code: srv('# smtppolicy-ignore duplicate-entry'), findings: [{ line: 4, column: 3, endLine: 4, endColumn: 38, message: /needs a reason/ }] },
    { name: 'no rule', code: srv('# smtppolicy-ignore -- because'), findings: [{ line: 4, column: 3, endLine: 4, endColumn: 33, message: /names no rule/ }] },
    { name: 'unknown rule, with a suggestion', code: srv('# smtppolicy-ignore duplicate-entries -- x'), findings: [{ line: 4, column: 23, endLine: 4, endColumn: 40, message: /unknown rule 'duplicate-entries'.*duplicate-entry/ }] },
    {
      name: "the editor quick fix's placeholder is not a reason",
      code: srv('# smtppolicy-ignore duplicate-entry -- TODO say why this is acceptable here'),
      findings: [{ line: 4, column: 3, endLine: 4, endColumn: 78, message: /^suppression reason 'TODO say why this is acceptable here' is a placeholder/ }],
    },
    { name: 'a template copied from the message is not a reason', code: srv('# smtppolicy-ignore duplicate-entry -- <why this is safe here>'), findings: [{ line: 4, column: 3, endLine: 4, endColumn: 65, message: /is a placeholder/ }] },
    { name: 'a bare TODO is not a reason', code: srv('# smtppolicy-ignore duplicate-entry -- todo: explain'), findings: [{ line: 4, column: 3, endLine: 4, endColumn: 55, message: /is a placeholder/ }] },
    { name: 'semantic cannot be suppressed', code: srv('# smtppolicy-ignore semantic, duplicate-entry -- x'), findings: [{ line: 4, column: 23, endLine: 4, endColumn: 31, message: /'semantic' errors cannot be suppressed/ }] },
  ],
});
