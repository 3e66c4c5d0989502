import { ruleTests } from './rule-tester.js';

const state = (lines: string) => `state {\n${lines}}\n`;

ruleTests('shared-state-risk', {
  valid: [
    { name: 'rediss:// with the default fail-closed', code: state('  redis "rediss://redis.example.test:6380/0"\n') },
    { name: 'fail-closed written out', code: state('  redis "rediss://redis.example.test:6380/0"\n  on-unreachable fail-closed\n') },
    { name: 'redis:// on a loopback address literal', code: state('  redis "redis://127.0.0.1:6379/0"\n') },
    { name: 'redis:// on the IPv6 loopback', code: state('  redis "redis://[::1]:6379/0"\n') },
  ],
  invalid: [
    {
      name: 'on-unreachable local',
      code: state('  redis "rediss://redis.example.test:6380/0"\n  on-unreachable local\n'),
      findings: [{ line: 3, column: 18, endLine: 3, endColumn: 23, message: /on-unreachable local: while Redis cannot be asked each host applies the limits alone, so with N hosts a client gets N times each limit/ }],
    },
    {
      name: 'redis:// to another host',
      code: state('  redis "redis://10.0.0.20:6379/0"\n'),
      findings: [{ line: 2, column: 9, endLine: 2, endColumn: 35, message: /redis:\/\/ to 10\.0\.0\.20 sends the Redis password and the limits' keys .* in clear/ }],
    },
    {
      name: 'redis:// to a name that is loopback only by resolution (localhost)',
      code: state('  redis "redis://localhost:6379/0"\n'),
      findings: [{ line: 2, column: 9, endLine: 2, endColumn: 35, message: /redis:\/\/ to localhost sends/ }],
    },
  ],
});
