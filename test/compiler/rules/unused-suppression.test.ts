import { ruleTests } from './rule-tester.js';

const srv = (body: string) => `server s {\n  listen 10.0.0.1:2525\n  hostname mail.example.test\n${body}\n}\n`;

ruleTests('unused-suppression', {
  valid: [
    { name: 'used, on the line before (blank and comment lines skipped)', code: srv('  # smtppolicy-ignore duplicate-entry -- x\n\n  # other comment\n  connections only { 10.0.0.1  10.0.0.1 }') },
    { name: 'used, trailing', code: srv('  connections only { 10.0.0.1  10.0.0.1 }  # smtppolicy-ignore duplicate-entry -- x') },
    {
      name: 'lines ended by a lone CR: the next line is counted as the findings count it',
      code: srv('  # smtppolicy-ignore duplicate-entry -- x\n  connections only { 10.0.0.1  10.0.0.1 }').replaceAll('\n', '\r'),
    },
    { name: 'rules that read files are never called unused', code: srv('  # smtppolicy-ignore certificate-not-found -- on the mail host only\n  connections only { 10.0.0.1 }') },
  ],
  invalid: [
    {
      name: 'nothing on the next line: fix removes the comment line',
      code: srv('  # smtppolicy-ignore duplicate-entry -- x\n  connections only { 10.0.0.1 }'),
      findings: [{ line: 4, column: 23, endLine: 4, endColumn: 38, message: /no 'duplicate-entry' finding on line 5/ }],
      output: srv('  connections only { 10.0.0.1 }'),
    },
    {
      name: 'trailing, on the wrong line',
      code: srv('  connections only { 10.0.0.1 }  # smtppolicy-ignore duplicate-entry -- x'),
      findings: [{ line: 4, column: 54, endLine: 4, endColumn: 69 }],
      output: srv('  connections only { 10.0.0.1 }'),
    },
  ],
});
