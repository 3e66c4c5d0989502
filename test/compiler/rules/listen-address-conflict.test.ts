import { ruleTests } from './rule-tester.js';

const two = (a: string, b: string) =>
  `server one {\n  listen ${a}\n  hostname mail.example.test\n}\nserver two {\n  listen ${b}\n  hostname mail.example.test\n}\n`;

ruleTests('listen-address-conflict', {
  valid: [
    { name: 'different ports', code: two('0.0.0.0:25', '0.0.0.0:587') },
    { name: 'different addresses', code: two('127.0.0.1:25', '127.0.0.2:25') },
    { name: 'IPv4 and IPv6 wildcards (IPv6-only [::])', code: two('0.0.0.0:25', '[::]:25') },
  ],
  invalid: [
    { name: 'same endpoint', code: two('127.0.0.1:2525', '127.0.0.1:2525'), findings: [{ line: 6, column: 10, endLine: 6, endColumn: 24, message: /127\.0\.0\.1:2525 of server 'two' overlaps 127\.0\.0\.1:2525 of server 'one' at line 2/ }] },
    { name: 'specific address after the wildcard', code: two('0.0.0.0:25', '10.0.0.1:25'), findings: [{ line: 6, column: 10, endLine: 6, endColumn: 21 }] },
    { name: 'IPv6 wildcard and a specific IPv6 address', code: two('[2001:db8::1]:25', '[::]:25'), findings: [{ line: 6, column: 10, endLine: 6, endColumn: 17 }] },
    { name: 'admin listener on a server port', code: `admin { listen 127.0.0.1:2525 }\n${two('127.0.0.1:2525', '127.0.0.1:2526')}`, findings: [{ line: 1, column: 1, endLine: 1, endColumn: 32, message: /the admin listener/ }] },
  ],
});
